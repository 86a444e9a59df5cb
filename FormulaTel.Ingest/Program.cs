using FormulaTel.Ingest;
using FormulaTel.Ingest.Cli;

if (IngestCommandLine.IsCommand(args))
{
    return await IngestCommandLine.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddIngest();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/stats", (IngestMetrics metrics) => metrics.Snapshot());
app.MapGet("/", () => Results.Redirect("/stats"));
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to tests.</summary>
public partial class Program;
