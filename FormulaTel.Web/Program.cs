using FormulaTel.Web;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWeb();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapWeb();
await app.RunAsync();

/// <summary>Entry point type, visible to tests.</summary>
public partial class Program;
