namespace FormulaTel.Games.F1;

/// <summary>The EA specification's name for a field whose name cannot be derived from ours (m_ERSAssist).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class SpecNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>
/// A struct field that groups fields shared by several formats' layouts; the specification lists them inline, so
/// the spec JSON writes them inline too.
/// </summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class SpecFlattenAttribute : Attribute;
