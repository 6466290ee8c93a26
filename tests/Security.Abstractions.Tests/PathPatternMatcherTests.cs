using Microsoft.AspNetCore.Http;

namespace Security.Abstractions.Tests;

public class PathPatternMatcherTests
{
    [TestCase("accounts/login/$", "/accounts/login/", true)]
    [TestCase("accounts/login/$", "/accounts/login/x", false)]
    [TestCase("accounts/login/$", "/accounts/login", false)]
    [TestCase("home", "/home/anything", true)]
    [TestCase("home", "/homepage", true)]
    [TestCase("home", "/home", true)]
    [TestCase("home", "/", false)]
    [TestCase("login", "/accounts/login", false)]
    [TestCase("login", "/x/login/", false)]
    [TestCase("static/.*\\.css$", "/static/site/app.css", true)]
    [TestCase("static/.*\\.css$", "/static/site/app.css.map", false)]
    [TestCase("$", "/", true)]
    [TestCase("$", "/a", false)]
    public void Pattern_is_anchored_at_the_start_only_like_re_match(string pattern, string path, bool expected)
    {
        var matcher = PathPatternMatcher.Create([pattern]);

        Assert.That(matcher.IsMatch(new PathString(path)), Is.EqualTo(expected));
        Assert.That(matcher.IsMatch(path.AsSpan()), Is.EqualTo(expected));
    }

    [Test]
    public void Pattern_without_dollar_matches_any_longer_path()
    {
        var matcher = PathPatternMatcher.Create(["api/"]);

        Assert.That(matcher.IsMatch(new PathString("/api/")), Is.True);
        Assert.That(matcher.IsMatch(new PathString("/api/v1/users/42")), Is.True);
    }

    [Test]
    public void Pattern_does_not_match_in_the_middle_of_the_path()
    {
        var matcher = PathPatternMatcher.Create(["login"]);

        Assert.That(matcher.IsMatch(new PathString("/accounts/login")), Is.False);
    }

    [Test]
    public void Path_without_leading_slash_is_matched_as_is()
    {
        var matcher = PathPatternMatcher.Create(["home$"]);

        Assert.That(matcher.IsMatch("home".AsSpan()), Is.True);
    }

    [TestCase("/test1/", true)]
    [TestCase("/test1/x", false)]
    [TestCase("/test2/", false)]
    public void With_leading_slash_mode_matches_the_path_including_its_slash(string path, bool expected)
    {
        var matcher = PathPatternMatcher.Create(["^/test1/$"], PathPatternAnchor.WithLeadingSlash);

        Assert.That(matcher.IsMatch(new PathString(path)), Is.EqualTo(expected));
    }

    [Test]
    public void With_leading_slash_mode_does_not_match_text_missing_the_slash()
    {
        var matcher = PathPatternMatcher.Create(["^/test1/$"], PathPatternAnchor.WithLeadingSlash);

        Assert.That(matcher.IsMatch("test1/".AsSpan()), Is.False);
    }

    [Test]
    public void Without_leading_slash_pattern_starting_with_slash_never_matches()
    {
        var matcher = PathPatternMatcher.Create(["/test1/$"]);

        Assert.That(matcher.IsMatch(new PathString("/test1/")), Is.False);
    }

    [TestCase("/accounts/login/", true)]
    [TestCase("/static/app.js", true)]
    [TestCase("/health", true)]
    [TestCase("/healthz", false)]
    [TestCase("/accounts/logout/", false)]
    [TestCase("/", false)]
    public void Several_patterns_match_when_any_one_matches(string path, bool expected)
    {
        var matcher = PathPatternMatcher.Create(["accounts/login/$", "static/", "health$"]);

        Assert.That(matcher.IsMatch(new PathString(path)), Is.EqualTo(expected));
    }

    [Test]
    public void Alternation_inside_one_pattern_stays_anchored()
    {
        var matcher = PathPatternMatcher.Create(["a$|b$"]);

        Assert.That(matcher.IsMatch(new PathString("/a")), Is.True);
        Assert.That(matcher.IsMatch(new PathString("/b")), Is.True);
        Assert.That(matcher.IsMatch(new PathString("/xb")), Is.False);
    }

    // Routing ignores case, so every spelling of one endpoint must be matched alike.
    [TestCase("/admin/")]
    [TestCase("/Admin/")]
    [TestCase("/ADMIN/")]
    [TestCase("/aDmIn/x")]
    public void Matching_ignores_case_by_default(string path)
    {
        var matcher = PathPatternMatcher.Create(["admin/"]);

        Assert.That(matcher.IsMatch(new PathString(path)), Is.True);
    }

    [Test]
    public void Case_sensitive_matcher_matches_the_exact_case_only()
    {
        var matcher = PathPatternMatcher.Create(["admin/"], caseSensitive: true);

        Assert.That(matcher.IsMatch(new PathString("/admin/")), Is.True);
        Assert.That(matcher.IsMatch(new PathString("/Admin/")), Is.False);
    }

    [Test]
    public void Inline_option_turns_case_sensitivity_back_on_for_one_pattern_only()
    {
        var matcher = PathPatternMatcher.Create(["(?-i)admin/", "static/"]);

        Assert.That(matcher.IsMatch(new PathString("/ADMIN/")), Is.False);
        Assert.That(matcher.IsMatch(new PathString("/STATIC/")), Is.True);
    }

    [TestCase("/account/logout", true)]
    [TestCase("/account/logout/", true)]
    [TestCase("/Account/Logout", true)]
    [TestCase("/ACCOUNT/LOGOUT/", true)]
    [TestCase("/account/logout/x", false)]
    [TestCase("/account/logoutx", false)]
    [TestCase("/account", false)]
    [TestCase("/a.b", true)]
    [TestCase("/aXb", false)]
    public void Exact_paths_match_ignoring_case_and_a_trailing_slash(string path, bool expected)
    {
        var matcher = PathPatternMatcher.CreateExact(["/account/logout/", "/a.b"]);

        Assert.That(matcher.IsMatch(new PathString(path)), Is.EqualTo(expected));
    }

    [Test]
    public void Empty_exact_list_matches_nothing()
    {
        Assert.That(PathPatternMatcher.CreateExact(null).IsMatch(new PathString("/")), Is.False);
        Assert.That(PathPatternMatcher.CreateExact([]).IsEmpty, Is.True);
    }

    [Test]
    public void Exemption_ending_in_a_letter_or_digit_is_reported_with_an_example_it_also_matches()
    {
        var warnings = PathPatternMatcher.FindOverMatching(["health", "static/", "api$", "v2(/|$)", "public/", "files/v1", "^/x.y"], "Security:Sessions:ExemptPaths");

        Assert.That(warnings, Is.EqualTo(new[]
        {
            "Security:Sessions:ExemptPaths[0] 'health' also exempts '/health-admin'; end it with '$' or '(/|$)'",
            "Security:Sessions:ExemptPaths[5] 'files/v1' also exempts '/files/v1-admin'; end it with '$' or '(/|$)'",
            "Security:Sessions:ExemptPaths[6] '^/x.y' also exempts 'any path that goes on after its last character'; end it with '$' or '(/|$)'",
        }));
        Assert.That(PathPatternMatcher.Create(["health"]).IsMatch(new PathString("/health-admin")), Is.True, "the example really is matched");
    }

    [Test]
    public void Over_matching_example_keeps_the_leading_slash_in_leading_slash_mode()
    {
        var warnings = PathPatternMatcher.FindOverMatching(["^/admin"], "Security:Headers:FrameOptionsExcludePaths", PathPatternAnchor.WithLeadingSlash);

        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("also exempts '/admin-admin'"));
    }

    [Test]
    public void Empty_list_matches_nothing()
    {
        var matcher = PathPatternMatcher.Create([]);

        Assert.That(matcher.IsEmpty, Is.True);
        Assert.That(matcher.IsMatch(new PathString("/")), Is.False);
        Assert.That(matcher.IsMatch(new PathString("/anything")), Is.False);
        Assert.That(matcher.IsMatch(PathString.Empty), Is.False);
    }

    [Test]
    public void Null_list_matches_nothing()
    {
        var matcher = PathPatternMatcher.Create(null);

        Assert.That(matcher.IsEmpty, Is.True);
        Assert.That(matcher.Patterns, Is.Empty);
        Assert.That(matcher.IsMatch(new PathString("/anything")), Is.False);
    }

    [Test]
    public void Null_list_in_leading_slash_mode_matches_nothing()
    {
        var matcher = PathPatternMatcher.Create(null, PathPatternAnchor.WithLeadingSlash);

        Assert.That(matcher.IsMatch(new PathString("/anything")), Is.False);
    }

    [Test]
    public void Empty_matcher_matches_nothing()
    {
        Assert.That(PathPatternMatcher.Empty.IsEmpty, Is.True);
        Assert.That(PathPatternMatcher.Empty.IsMatch(new PathString("/")), Is.False);
    }

    [Test]
    public void Empty_pattern_matches_every_path()
    {
        var matcher = PathPatternMatcher.Create([""]);

        Assert.That(matcher.IsEmpty, Is.False);
        Assert.That(matcher.IsMatch(new PathString("/")), Is.True);
        Assert.That(matcher.IsMatch(new PathString("/x/y")), Is.True);
    }

    [Test]
    public void Empty_request_path_is_matched_as_empty_text()
    {
        var matcher = PathPatternMatcher.Create(["$"]);

        Assert.That(matcher.IsMatch(PathString.Empty), Is.True);
        Assert.That(matcher.IsMatch(default(PathString)), Is.True);
    }

    [Test]
    public void Patterns_are_kept_as_given()
    {
        var matcher = PathPatternMatcher.Create(["a/$", "b/"]);

        Assert.That(matcher.Patterns, Is.EqualTo(new[] { "a/$", "b/" }));
    }

    [TestCase("(")]
    [TestCase("(a)\\1")]
    [TestCase("(?<x>a)\\k<x>")]
    [TestCase("(?=a)b")]
    [TestCase("(?!a)b")]
    [TestCase("(?<=a)b")]
    [TestCase("(?>a)")]
    [TestCase("[z-a]")]
    [TestCase("a{2,1}")]
    [TestCase("\\")]
    public void Invalid_pattern_is_reported_with_option_name_and_index(string pattern)
    {
        var errors = PathPatternMatcher.Validate(["ok/", pattern], "Security:Auth:LoginExemptPaths");

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith($"Security:Auth:LoginExemptPaths[1] '{pattern}'"));
        Assert.That(errors[0], Does.Contain("is not a valid path pattern"));
    }

    [TestCase("(")]
    [TestCase("(a)\\1")]
    [TestCase("(?=a)b")]
    public void Create_throws_for_an_invalid_pattern(string pattern)
    {
        var ex = Assert.Throws<ArgumentException>(() => PathPatternMatcher.Create(["ok/", pattern]));

        Assert.That(ex!.ParamName, Is.EqualTo("patterns"));
        Assert.That(ex.Message, Does.Contain($"[1] '{pattern}'"));
    }

    [Test]
    public void Validate_reports_every_invalid_pattern()
    {
        var errors = PathPatternMatcher.Validate(["(", "fine", "(?=x)", "[", "also/fine$"], "Opt");

        Assert.That(errors, Has.Count.EqualTo(3));
        Assert.That(errors[0], Does.StartWith("Opt[0] '('"));
        Assert.That(errors[1], Does.StartWith("Opt[2] '(?=x)'"));
        Assert.That(errors[2], Does.StartWith("Opt[3] '['"));
    }

    [Test]
    public void Validate_accepts_valid_patterns_and_null()
    {
        Assert.That(PathPatternMatcher.Validate(["accounts/login/$", "home", "^/test1/$", "", "(?i)a[0-9]+"], "Opt"), Is.Empty);
        Assert.That(PathPatternMatcher.Validate(null, "Opt"), Is.Empty);
        Assert.That(PathPatternMatcher.Validate([], "Opt"), Is.Empty);
    }

    [Test]
    public void Null_pattern_is_invalid()
    {
        var errors = PathPatternMatcher.Validate(["a", null!], "Opt");

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith("Opt[1]"));
        Assert.That(errors[0], Does.Contain("null"));
        Assert.Throws<ArgumentException>(() => PathPatternMatcher.Create(["a", null!]));
    }

    [Test]
    public void Pattern_with_a_free_spacing_comment_does_not_swallow_the_next_pattern()
    {
        string[] patterns = ["(?x) admin/ # the back office", "static/"];

        Assert.That(PathPatternMatcher.Validate(patterns, "Opt"), Is.Empty);
        var matcher = PathPatternMatcher.Create(patterns);

        Assert.That(matcher.IsMatch(new PathString("/admin/users")), Is.True);
        Assert.That(matcher.IsMatch(new PathString("/static/app.js")), Is.True);
        Assert.That(matcher.IsMatch(new PathString("/other")), Is.False);
    }

    [Test]
    public void Pattern_that_matches_a_newline_keeps_doing_so_when_combined()
    {
        var matcher = PathPatternMatcher.Create(["a\nb$", "c"]);

        Assert.That(matcher.IsMatch("a\nb".AsSpan()), Is.True);
        Assert.That(matcher.IsMatch("ab".AsSpan()), Is.False);
    }

    [Test]
    public void Whitespace_in_a_pattern_is_literal_unless_the_pattern_turns_on_free_spacing()
    {
        var matcher = PathPatternMatcher.Create(["a b$", "(?x) c d $"]);

        Assert.That(matcher.IsMatch(new PathString("/a b")), Is.True);
        Assert.That(matcher.IsMatch(new PathString("/ab")), Is.False);
        Assert.That(matcher.IsMatch(new PathString("/cd")), Is.True);
        Assert.That(matcher.IsMatch(new PathString("/c d")), Is.False);
    }

    [Test]
    public void Hostile_long_path_against_nested_quantifier_completes_with_the_right_answer()
    {
        var matcher = PathPatternMatcher.Create(["(a+)+$"]);
        var hostile = "/" + new string('a', 100_000) + "!";
        var benign = "/" + new string('a', 100_000);

        Assert.That(matcher.IsMatch(new PathString(hostile)), Is.False);
        Assert.That(matcher.IsMatch(new PathString(benign)), Is.True);
    }

    [Test]
    public void Matching_allocates_nothing()
    {
        var matcher = PathPatternMatcher.Create(["accounts/login/$", "static/", "(a+)+$"]);
        var paths = new[]
        {
            new PathString("/Accounts/Login/"),
            new PathString("/static/app.js"),
            new PathString("/aaaaaaaaaaaaaaaaaaaaaaaa!"),
            new PathString("/nothing/here"),
        };

        var matches = 0;
        for (var i = 0; i < 100; i++)
        {
            foreach (var path in paths)
            {
                matches += matcher.IsMatch(path) ? 1 : 0;
            }
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            matches += matcher.IsMatch(paths[i % paths.Length]) ? 1 : 0;
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        Assert.That(matches, Is.EqualTo(200 + 500));
    }
}
