namespace Security.Abstractions.Tests;

public class OptionsValidationErrorsTests
{
    [Test]
    public void New_collector_is_empty_and_succeeds()
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.IsEmpty, Is.True);
        Assert.That(errors.Failures, Is.Empty);
        Assert.That(errors.ToResult().Succeeded, Is.True);
    }

    [Test]
    public void Add_prefixes_the_message_with_the_option_path()
    {
        var errors = new OptionsValidationErrors();

        errors.Add("Security:Csp:Policy", "is empty.");

        Assert.That(errors.Failures, Is.EqualTo(new[] { "Security:Csp:Policy: is empty." }));
        Assert.That(errors.IsEmpty, Is.False);
    }

    [Test]
    public void Add_range_keeps_messages_as_given()
    {
        var errors = new OptionsValidationErrors();

        errors.AddRange(["A: one", "B: two"]);

        Assert.That(errors.Failures, Is.EqualTo(new[] { "A: one", "B: two" }));
    }

    [TestCase("DENY")]
    [TestCase("deny")]
    [TestCase("SameOrigin")]
    public void Require_one_of_accepts_an_allowed_value_ignoring_case(string value)
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequireOneOf("Security:Headers:FrameOptions", value, ["DENY", "SAMEORIGIN"]), Is.True);
        Assert.That(errors.IsEmpty, Is.True);
    }

    [Test]
    public void Require_one_of_rejects_another_value_naming_option_value_and_allowed_values()
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequireOneOf("Security:Headers:FrameOptions", "ALLOW-FROM x", ["DENY", "SAMEORIGIN"]), Is.False);

        Assert.That(errors.Failures.Single(), Is.EqualTo("Security:Headers:FrameOptions: 'ALLOW-FROM x' is not valid; allowed values: DENY, SAMEORIGIN."));
    }

    [Test]
    public void Require_one_of_rejects_null()
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequireOneOf("Opt", null, ["a"]), Is.False);
        Assert.That(errors.Failures.Single(), Does.StartWith("Opt: ").And.Contains("allowed values: a"));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("max-age=31536000; includeSubDomains")]
    [TestCase("a\tb")]
    [TestCase("~ !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}")]
    public void Require_header_safe_accepts_visible_ascii_space_and_tab(string? value)
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequireHeaderSafe("Opt", value), Is.True);
        Assert.That(errors.IsEmpty, Is.True);
    }

    [TestCase("a\r\nSet-Cookie: x=1", "a\\r\\nSet-Cookie: x=1")]
    [TestCase("a\rb", "a\\rb")]
    [TestCase("a\nb", "a\\nb")]
    public void Require_header_safe_rejects_CR_and_LF_and_shows_them_escaped(string value, string shown)
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequireHeaderSafe("Security:Headers:Custom", value), Is.False);

        var message = errors.Failures.Single();
        Assert.That(message, Does.StartWith($"Security:Headers:Custom: '{shown}'"));
        Assert.That(message, Does.Not.Contain("\r").And.Not.Contain("\n"));
    }

    [TestCase("a\0b")]
    [TestCase("a\u007Fb")]
    [TestCase("caf\u00E9")]
    [TestCase("\u2028")]
    public void Require_header_safe_rejects_other_control_and_non_ascii_characters(string value)
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequireHeaderSafe("Opt", value), Is.False);
        Assert.That(errors.Failures.Single(), Does.StartWith("Opt: '"));
    }

    [Test]
    public void Is_header_safe_checks_every_character()
    {
        Assert.That(OptionsValidationErrors.IsHeaderSafe("abc\t "), Is.True);
        Assert.That(OptionsValidationErrors.IsHeaderSafe(""), Is.True);
        Assert.That(OptionsValidationErrors.IsHeaderSafe("abc\u0001"), Is.False);
    }

    [Test]
    public void Require_positive_accepts_a_positive_duration()
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequirePositive("Opt", TimeSpan.FromTicks(1)), Is.True);
        Assert.That(errors.IsEmpty, Is.True);
    }

    [TestCase(0)]
    [TestCase(-30)]
    public void Require_positive_rejects_zero_and_negative_durations(int seconds)
    {
        var errors = new OptionsValidationErrors();
        var value = TimeSpan.FromSeconds(seconds);

        Assert.That(errors.RequirePositive("Security:Sessions:ExpireAfter", value), Is.False);
        Assert.That(errors.Failures.Single(), Does.StartWith($"Security:Sessions:ExpireAfter: '{value}'").And.Contains("positive"));
    }

    [Test]
    public void Require_path_patterns_accepts_valid_patterns_and_null()
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequirePathPatterns("Opt", ["accounts/login/$", "static/"]), Is.True);
        Assert.That(errors.RequirePathPatterns("Opt", null), Is.True);
        Assert.That(errors.IsEmpty, Is.True);
    }

    [Test]
    public void Require_path_patterns_reports_each_invalid_pattern_with_its_index()
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequirePathPatterns("Security:Auth:LoginExemptPaths", ["ok", "(", "(?=x)"]), Is.False);

        Assert.That(errors.Failures, Has.Count.EqualTo(2));
        Assert.That(errors.Failures[0], Does.StartWith("Security:Auth:LoginExemptPaths[1] '('"));
        Assert.That(errors.Failures[1], Does.StartWith("Security:Auth:LoginExemptPaths[2] '(?=x)'"));
    }

    [TestCase("/account/login")]
    [TestCase("/")]
    [TestCase("/a//b")]
    [TestCase("/login?next=/home")]
    public void Require_local_path_accepts_a_path_with_a_single_leading_slash(string value)
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequireLocalPath("Security:Auth:LoginPath", value), Is.True);
        Assert.That(errors.IsEmpty, Is.True);
    }

    [TestCase("//evil", "//evil")]
    [TestCase("/\\evil", "/\\evil")]
    [TestCase("https://evil", "https://evil")]
    [TestCase("", "")]
    [TestCase(null, "(null)")]
    [TestCase("account/login", "account/login")]
    [TestCase("/login\r\nX: y", "/login\\r\\nX: y")]
    public void Require_local_path_rejects_what_is_not_a_local_path(string? value, string shown)
    {
        var errors = new OptionsValidationErrors();

        Assert.That(errors.RequireLocalPath("Security:Auth:LoginPath", value), Is.False);
        Assert.That(errors.Failures.Single(), Does.StartWith($"Security:Auth:LoginPath: '{shown}'").And.Contains("local path"));
    }

    [Test]
    public void To_result_returns_all_failures_at_once()
    {
        var errors = new OptionsValidationErrors();

        errors.RequireOneOf("A", "x", ["y"]);
        errors.RequirePositive("B", TimeSpan.Zero);
        errors.RequireLocalPath("C", "//evil");
        errors.RequireHeaderSafe("D", "ok");
        errors.RequirePathPatterns("E", ["("]);

        var result = errors.ToResult();

        Assert.That(result.Failed, Is.True);
        Assert.That(result.Failures!.Count(), Is.EqualTo(4));
        Assert.That(result.Failures!.Select(f => f[..1]), Is.EqualTo(new[] { "A", "B", "C", "E" }));
        Assert.That(result.FailureMessage, Does.Contain("A: ").And.Contains("B: ").And.Contains("C: ").And.Contains("E[0]"));
    }
}
