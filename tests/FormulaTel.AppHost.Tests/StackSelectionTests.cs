using FormulaTel.AppHost;
using Microsoft.Extensions.Configuration;

namespace FormulaTel.AppHost.Tests;

public class StackSelectionTests
{
    private sealed class FakeProbe(string? runtime) : IContainerRuntimeProbe
    {
        public int Calls { get; private set; }

        public (string? Runtime, string Detail) Probe()
        {
            Calls++;
            return (runtime, runtime is null ? "docker: not installed" : "healthy");
        }
    }

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Auto_takes_the_full_stack_only_with_a_healthy_runtime()
    {
        var healthy = StackSelection.Choose(Config(), isPublishMode: false, new FakeProbe("docker 28.2.2"));
        Assert.Equal(StackKind.Full, healthy.Kind);
        Assert.Contains("docker 28.2.2", healthy.Reason);

        var none = StackSelection.Choose(Config(("FormulaTel:Stack", "auto")), isPublishMode: false, new FakeProbe(null));
        Assert.Equal(StackKind.Embedded, none.Kind);
        Assert.Contains("no healthy container runtime", none.Reason);
    }

    [Fact]
    public void The_environment_variable_overrides_configuration_and_skips_the_probe()
    {
        var probe = new FakeProbe("docker 28.2.2");
        var choice = StackSelection.Choose(Config(("FORMULATEL_STACK", "embedded"), ("FormulaTel:Stack", "full")), isPublishMode: false, probe);
        Assert.Equal(StackKind.Embedded, choice.Kind);
        Assert.Equal("FORMULATEL_STACK=embedded", choice.Reason);
        Assert.Equal(0, probe.Calls);

        Assert.Equal(StackKind.Full, StackSelection.Choose(Config(("FormulaTel:Stack", "Full")), false, new FakeProbe(null)).Kind);
    }

    [Fact]
    public void Publish_mode_always_declares_the_full_stack()
    {
        var choice = StackSelection.Choose(Config(("FORMULATEL_STACK", "embedded")), isPublishMode: true, new FakeProbe(null));
        Assert.Equal(StackKind.Full, choice.Kind);
    }

    [Fact]
    public void An_unknown_choice_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            StackSelection.Choose(Config(("FORMULATEL_STACK", "kubernetes")), false, new FakeProbe(null)));
        Assert.Contains("auto, embedded or full", error.Message);
    }

    [Fact]
    public void The_real_probe_answers_without_throwing()
    {
        // On this machine docker's client exists but no engine runs; elsewhere it may be healthy. Either way an answer.
        var (runtime, detail) = new ContainerRuntimeProbe(Config()).Probe();
        Assert.False(string.IsNullOrWhiteSpace(runtime ?? detail));
    }
}
