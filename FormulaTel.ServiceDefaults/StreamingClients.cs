using Microsoft.Extensions.DependencyInjection;

namespace FormulaTel.ServiceDefaults;

/// <summary>The gRPC client of a stream that lives for hours (rpc's watch stream), and the loop that keeps it open.</summary>
public static class StreamingClients
{
    /// <summary>
    /// Registers <typeparamref name="TClient"/> for <paramref name="address"/> with keep-alive pings and a connect timeout,
    /// and without the default resilience handler, whose timeouts would cut the stream.
    /// </summary>
    public static IHttpClientBuilder AddStreamingGrpcClient<TClient>(this IServiceCollection services, string address)
        where TClient : class
    {
#pragma warning disable EXTEXP0001 // the documented way to opt one client out of the default resilience handler
        return services.AddGrpcClient<TClient>(o => o.Address = new Uri(address))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                KeepAlivePingDelay = TimeSpan.FromSeconds(10),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                ConnectTimeout = TimeSpan.FromSeconds(5),
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    /// <summary>
    /// Runs <paramref name="readStream"/> (connect, read until the stream ends or fails) again and again until
    /// <paramref name="stoppingToken"/> is cancelled, waiting <see cref="Backoff.Exponential"/> after each failure;
    /// <paramref name="onFailure"/> hears each failure with the wait before the next attempt. A stream that ends
    /// by itself counts as a failure. <paramref name="readStream"/> returns once it is connected and reading (to reset the backoff).
    /// </summary>
    public static async Task RunUntilStoppedAsync(Func<Action, CancellationToken, Task> readStream, Action<TimeSpan, Exception> onFailure,
        TimeSpan maxDelay, TimeProvider time, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await readStream(() => failures = 0, stoppingToken);
                throw new IOException("the other side ended the stream");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                var delay = Backoff.Exponential(failures, maxDelay);
                onFailure(delay, e);
                try
                {
                    await Task.Delay(delay, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
