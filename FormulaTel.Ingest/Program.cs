using FormulaTel.Ingest;
using FormulaTel.Ingest.Cli;
using FormulaTel.Ingest.Forwarding;
using FormulaTel.Ingest.Publishing;
using FormulaTel.Ingest.Recording;

if (IngestCommandLine.IsCommand(args))
{
    return await IngestCommandLine.RunAsync(args);
}

// The working directory is wherever `dotnet run` was typed (RunWorkingDirectory); configuration files sit beside the binaries.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddServiceDefaults();
builder.AddIngest();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGet("/stats", (IngestMetrics metrics, Recorder recorder, Forwarder forwarder, FrameBuffer buffer, RpcPublisher publisher) =>
    metrics.Snapshot() with
    {
        BufferedFrames = buffer.Count,
        UnacknowledgedBatches = publisher.UnacknowledgedBatches,
        Recording = recorder.Snapshot(),
        Forwarding = forwarder.Snapshot(),
    });
app.MapGet("/", () => Results.Redirect("/stats"));
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to tests.</summary>
public partial class Program;
