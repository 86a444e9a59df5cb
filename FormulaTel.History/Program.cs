using FormulaTel.History;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddHistory();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapHistory();
await app.RunAsync();

/// <summary>Entry point type, visible to tests.</summary>
public partial class Program;
