using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Security.Abstractions;

/// <summary>
/// A set of path patterns: .NET regular expressions matched against the request path, anchored at
/// the start only, like Python's <c>re.match</c>, and ignoring case by default as routing does.
/// <c>home</c> matches <c>/home/anything</c> and <c>/Home</c>; <c>accounts/login/$</c> matches only
/// <c>/accounts/login/</c> (in any case).
/// </summary>
/// <remarks>
/// The patterns are compiled once, into one <see cref="RegexOptions.NonBacktracking"/> expression,
/// so matching runs in linear time whatever the path: an attacker's path cannot hang a request.
/// Matching allocates nothing. The path matched is <c>HttpRequest.Path</c>: without the app's
/// <c>PathBase</c>, and with percent-encoded characters already decoded by the server, so every
/// spelling that routing sends to one endpoint is matched alike.
/// </remarks>
public sealed class PathPatternMatcher
{
    private const RegexOptions Options = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    // Example suffix appended to a literal exemption to show what else it exempts.
    private const string OverMatchSuffix = "-admin";

    private readonly Regex? _regex;
    private readonly PathPatternAnchor _anchor;

    private PathPatternMatcher(Regex? regex, IReadOnlyList<string> patterns, PathPatternAnchor anchor)
    {
        _regex = regex;
        _anchor = anchor;
        Patterns = patterns;
    }

    /// <summary>A matcher with no pattern: it matches nothing.</summary>
    public static PathPatternMatcher Empty { get; } = new(null, [], PathPatternAnchor.WithoutLeadingSlash);

    /// <summary>The patterns as given.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>Whether the set has no pattern (and so matches nothing).</summary>
    public bool IsEmpty => _regex is null;

    /// <summary>
    /// Compiles <paramref name="patterns"/>. Throws when a pattern is invalid; validate options with
    /// <see cref="Validate"/> first so the error is reported at startup with the option's name.
    /// </summary>
    /// <param name="patterns">The patterns; <see langword="null"/> or empty gives <see cref="Empty"/>.</param>
    /// <param name="anchor">Whether the leading slash is part of the matched text.</param>
    /// <param name="caseSensitive">Match case exactly. Default <see langword="false"/>: ASP.NET Core routing ignores
    /// case, so a rule that ignored it less would treat <c>/Account/Login</c> and <c>/account/login</c>, one endpoint, differently.</param>
    /// <exception cref="ArgumentException">A pattern is null or not a valid non-backtracking regular expression.</exception>
    public static PathPatternMatcher Create(
        IEnumerable<string>? patterns,
        PathPatternAnchor anchor = PathPatternAnchor.WithoutLeadingSlash,
        bool caseSensitive = false)
    {
        var list = patterns?.ToArray() ?? [];
        if (list.Length == 0)
        {
            return anchor == PathPatternAnchor.WithoutLeadingSlash ? Empty : new(null, [], anchor);
        }

        var errors = new List<string>();
        for (var i = 0; i < list.Length; i++)
        {
            if (TryParse(list[i], out var error) is false)
            {
                errors.Add($"[{i}] '{list[i]}': {error}");
            }
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid path pattern(s): " + string.Join("; ", errors), nameof(patterns));
        }

        // ^ anchors every alternative at the start of the text: re.match semantics, no implicit end anchor.
        // "(?x)\n" before each closing paren ends a trailing free-spacing "# comment" (which would
        // otherwise swallow the rest) and is itself ignored whitespace, so it matches nothing.
        var combined = "^(?:" + string.Join('|', list.Select(p => "(?:" + p + "(?x)\n)")) + ")";
        var options = caseSensitive ? Options : Options | RegexOptions.IgnoreCase;
        return new PathPatternMatcher(new Regex(combined, options), list, anchor);
    }

    /// <summary>
    /// Compiles a list of exact paths (not patterns), each matching itself ignoring case and a trailing
    /// slash: <c>/account/logout</c> matches <c>/Account/Logout</c> and <c>/account/logout/</c>, not
    /// <c>/account/logout/x</c>.
    /// </summary>
    /// <param name="paths">Exact paths starting with <c>/</c>; <see langword="null"/> or empty matches nothing.</param>
    public static PathPatternMatcher CreateExact(IEnumerable<string>? paths)
    {
        var list = paths?.Where(p => p is not null).ToArray() ?? [];
        if (list.Length == 0)
        {
            return new(null, [], PathPatternAnchor.WithLeadingSlash);
        }

        var alternatives = list.Select(p => Regex.Escape(p.TrimEnd('/')));
        var combined = "^(?:" + string.Join('|', alternatives) + ")/?$";
        return new PathPatternMatcher(new Regex(combined, Options | RegexOptions.IgnoreCase), list, PathPatternAnchor.WithLeadingSlash);
    }

    /// <summary>
    /// Finds exemption patterns that also match paths their author likely did not mean: a pattern
    /// ending in a letter or digit (no <c>$</c>, <c>/</c> or <c>(/|$)</c> after it) matches every path
    /// that goes on from there, so <c>health</c> exempts <c>/healthcare-admin</c> too. Returns one
    /// startup warning per such pattern, naming the option and an example, e.g.
    /// <c>Security:Sessions:ExemptPaths[0] 'health' also exempts '/health-admin'; end it with '$' or '(/|$)'</c>.
    /// </summary>
    /// <param name="patterns">The exemption patterns (may be <see langword="null"/>).</param>
    /// <param name="optionName">The option's configuration path, used in the messages.</param>
    /// <param name="anchor">How the patterns are matched.</param>
    public static IReadOnlyList<string> FindOverMatching(
        IEnumerable<string>? patterns,
        string optionName,
        PathPatternAnchor anchor = PathPatternAnchor.WithoutLeadingSlash)
    {
        if (patterns is null)
        {
            return [];
        }

        var warnings = new List<string>();
        var i = 0;
        foreach (var pattern in patterns)
        {
            if (pattern is { Length: > 0 } && char.IsAsciiLetterOrDigit(pattern[^1]) && TryParse(pattern, out _))
            {
                warnings.Add($"{optionName}[{i}] '{pattern}' also exempts '{OverMatchExample(pattern, anchor)}'; end it with '$' or '(/|$)'");
            }

            i++;
        }

        return warnings;
    }

    // A path the pattern matches although it only shares its beginning: the pattern's own text when it
    // is a literal, else a description.
    private static string OverMatchExample(string pattern, PathPatternAnchor anchor)
    {
        var literal = pattern.TrimStart('^');
        if (Regex.Escape(literal) != literal)
        {
            return "any path that goes on after its last character";
        }

        var path = anchor == PathPatternAnchor.WithoutLeadingSlash || !literal.StartsWith('/') ? "/" + literal.TrimStart('/') : literal;
        return path + OverMatchSuffix;
    }

    /// <summary>
    /// Checks every pattern and returns one message per invalid one, naming the option and the
    /// pattern, e.g. <c>Security:Headers:FrameOptions:ExcludePaths[2] '(' is not a valid pattern: ...</c>.
    /// </summary>
    /// <param name="patterns">The patterns to check (may be <see langword="null"/>).</param>
    /// <param name="optionName">The option's configuration path, used in the messages.</param>
    public static IReadOnlyList<string> Validate(IEnumerable<string>? patterns, string optionName)
    {
        if (patterns is null)
        {
            return [];
        }

        var errors = new List<string>();
        var i = 0;
        foreach (var pattern in patterns)
        {
            if (!TryParse(pattern, out var error))
            {
                errors.Add($"{optionName}[{i}] '{pattern}' is not a valid path pattern: {error}");
            }

            i++;
        }

        return errors;
    }

    /// <summary>Whether a pattern matches the start of <paramref name="path"/> (the request path, with its leading slash).</summary>
    /// <param name="path">The request path, e.g. <c>/accounts/login/</c>.</param>
    public bool IsMatch(PathString path) => IsMatch(path.Value.AsSpan());

    /// <summary>Whether a pattern matches the start of <paramref name="path"/> (the request path, with its leading slash).</summary>
    /// <param name="path">The request path, e.g. <c>/accounts/login/</c>.</param>
    public bool IsMatch(ReadOnlySpan<char> path)
    {
        if (_regex is null)
        {
            return false;
        }

        if (_anchor == PathPatternAnchor.WithoutLeadingSlash && path.Length > 0 && path[0] == '/')
        {
            path = path[1..];
        }

        return _regex.IsMatch(path);
    }

    private static bool TryParse(string? pattern, out string error)
    {
        if (pattern is null)
        {
            error = "a pattern cannot be null";
            return false;
        }

        try
        {
            // Constructed once here to surface syntax errors and constructs NonBacktracking refuses
            // (backreferences, lookarounds, atomic groups); never on the request path.
            _ = new Regex(pattern, Options);
            error = "";
            return true;
        }
        catch (ArgumentException ex)
        {
            error = ex.Message;
            return false;
        }
        catch (NotSupportedException ex)
        {
            error = ex.Message;
            return false;
        }
    }
}
