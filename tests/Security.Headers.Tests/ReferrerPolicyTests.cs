namespace Security.Headers.Tests;

public sealed class ReferrerPolicyTests
{
    [TestCase("no-referrer")]
    [TestCase("no-referrer-when-downgrade")]
    [TestCase("origin")]
    [TestCase("origin-when-cross-origin")]
    [TestCase("same-origin")]
    [TestCase("strict-origin")]
    [TestCase("strict-origin-when-cross-origin")]
    [TestCase("unsafe-url")]
    public async Task Every_valid_value_is_sent(string value)
    {
        await using var host = await HeadersHost.StartAsync(o => o.ReferrerPolicy = value);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Referrer-Policy"), Is.EqualTo(value));
    }

    [TestCase("No-Referrer", "no-referrer")]
    [TestCase("SAME-ORIGIN", "same-origin")]
    [TestCase(" Strict-Origin-When-Cross-Origin ", "strict-origin-when-cross-origin")]
    public async Task Value_is_case_insensitive_and_sent_in_canonical_form(string value, string expected)
    {
        await using var host = await HeadersHost.StartAsync(o => o.ReferrerPolicy = value);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Referrer-Policy"), Is.EqualTo(expected));
    }

    [TestCase("off")]
    [TestCase("Off")]
    public async Task Off_sends_no_header(string value)
    {
        await using var host = await HeadersHost.StartAsync(o => o.ReferrerPolicy = value);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Referrer-Policy"), Is.Null);
    }

    [TestCase("no-referrer, strict-origin-when-cross-origin", "no-referrer, strict-origin-when-cross-origin")]
    [TestCase("NO-REFERRER,same-origin", "no-referrer, same-origin")]
    public async Task A_fallback_list_of_valid_values_is_sent(string value, string expected)
    {
        await using var host = await HeadersHost.StartAsync(o => o.ReferrerPolicy = value);
        using var response = await host.GetAsync("/");
        Assert.That(response.Header("Referrer-Policy"), Is.EqualTo(expected));
    }
}
