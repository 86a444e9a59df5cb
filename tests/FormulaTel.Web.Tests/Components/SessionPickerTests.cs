using Bunit;
using FormulaTel.Web.Components.Live;
using FormulaTel.Web.Live;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FormulaTel.Web.Tests.Components;

/// <summary>The live view's session picker: newest first, a search, a bounded list, quiet sessions marked.</summary>
public sealed class SessionPickerTests : IDisposable
{
    private readonly BunitContext _context = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 20, 0, 0, TimeSpan.Zero));

    public SessionPickerTests() => _context.Services.AddSingleton<TimeProvider>(_time);

    public void Dispose() => _context.Dispose();

    // Newest first, as the store lists them: rig 0 started last.
    private List<SessionSummary> Sessions(int count) => [.. Enumerable.Range(0, count).Select(i => new SessionSummary(
        $"10.0.0.{i}:20777/{1000 + i}", $"10.0.0.{i}:20777", (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), "F1 24",
        i % 2 == 0 ? "Monza" : "Spa", "Race", 0, [], _time.GetUtcNow().AddMinutes(-i), _time.GetUtcNow().AddSeconds(-i)))];

    [Fact]
    public void Many_sessions_list_the_newest_fifty_and_say_how_many_more_a_search_finds()
    {
        var sessions = Sessions(120);
        var picker = _context.Render<SessionPicker>(p => p.Add(x => x.Sessions, sessions).Add(x => x.Selected, sessions[0].SessionKey));

        var options = picker.FindAll("[data-testid=session-picker] option:not([disabled])");
        Assert.Equal(SessionPicker.MaxShown, options.Count);
        Assert.Equal(sessions[0].SessionKey, options[0].GetAttribute("value"));
        Assert.Contains("70 more", picker.Find("[data-testid=session-more]").TextContent);

        // A search narrows it: a rig's address, case and spaces aside.
        picker.Find("[data-testid=session-search]").Input(" 10.0.0.117 ");
        options = picker.FindAll("[data-testid=session-picker] option:not([disabled])");
        Assert.Equal([sessions[0].SessionKey, sessions[117].SessionKey], options.Select(o => o.GetAttribute("value"))); // the selected one stays
        Assert.Empty(picker.FindAll("[data-testid=session-more]"));
        picker.Find("[data-testid=session-search]").Input("SPA");
        Assert.Equal(1 + 50 + 1, picker.FindAll("[data-testid=session-picker] option").Count); // the selected Monza one, 50 of the 60 at Spa, "… 10 more"
        Assert.Contains("10 more", picker.Find("[data-testid=session-more]").TextContent);
    }

    [Fact]
    public void Picking_a_session_reports_it_and_a_quiet_or_bookmarked_one_says_so()
    {
        var sessions = Sessions(12);
        SessionSummary? picked = null;
        var picker = _context.Render<SessionPicker>(p => p.Add(x => x.Sessions, sessions).Add(x => x.Selected, "9.9.9.9:1/1")
            .Add(x => x.NotLiveLabel, "9-9-9-9-1-1 (not live)").Add(x => x.OnPick, s => picked = s));

        Assert.Equal("9-9-9-9-1-1 (not live)", picker.Find("[data-testid=session-picker] option").TextContent);
        Assert.Contains("quiet 11 s", picker.FindAll("[data-testid=session-picker] option")[^1].TextContent);
        Assert.DoesNotContain("quiet", picker.FindAll("[data-testid=session-picker] option")[1].TextContent);

        picker.Find("[data-testid=session-picker]").Change(sessions[3].SessionKey);
        Assert.Equal(sessions[3], picked);
    }
}
