namespace FormulaTel.Ingest.Games.F1;

/// <summary>The EA specification's name for a field whose name cannot be derived from ours (m_ERSAssist).</summary>
[AttributeUsage(AttributeTargets.Field)]
public sealed class SpecNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}
