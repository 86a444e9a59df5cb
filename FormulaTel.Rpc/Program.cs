using FormulaTel.Rpc;
using FormulaTel.Rpc.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGrpcEndpoint();
builder.AddRpc();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRpc();
await app.RunAsync();

/// <summary>Entry point type, visible to tests.</summary>
public partial class Program;
