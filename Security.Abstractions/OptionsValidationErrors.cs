using Microsoft.Extensions.Options;

namespace Security.Abstractions;

/// <summary>
/// Collects every failure of one options validation so all are reported at once, each naming the
/// option path (e.g. <c>Security:Headers:ReferrerPolicy</c>), the bad value and what is allowed.
/// Used by the <c>IValidateOptions&lt;T&gt;</c> classes of the Security.* packages.
/// </summary>
public sealed class OptionsValidationErrors
{
    private readonly List<string> _failures = [];

    /// <summary>The failures so far.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>Whether no failure was recorded.</summary>
    public bool IsEmpty => _failures.Count == 0;

    /// <summary>Records a failure: <c>{option}: {message}</c>.</summary>
    /// <param name="option">The option's configuration path.</param>
    /// <param name="message">What is wrong and what is allowed.</param>
    public void Add(string option, string message) => _failures.Add($"{option}: {message}");

    /// <summary>Records failures already formatted with their option path.</summary>
    /// <param name="failures">Messages that name their option.</param>
    public void AddRange(IEnumerable<string> failures) => _failures.AddRange(failures);

    /// <summary>
    /// Requires <paramref name="value"/> to be one of <paramref name="allowed"/>, compared ignoring case.
    /// </summary>
    /// <param name="option">The option's configuration path.</param>
    /// <param name="value">The configured value.</param>
    /// <param name="allowed">The allowed values, listed in the message.</param>
    /// <returns><see langword="true"/> when the value is allowed.</returns>
    public bool RequireOneOf(string option, string? value, IReadOnlyCollection<string> allowed)
    {
        if (value is not null && allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        Add(option, $"'{value}' is not valid; allowed values: {string.Join(", ", allowed)}.");
        return false;
    }

    /// <summary>
    /// Requires <paramref name="value"/> to be safe inside an HTTP header: visible ASCII, space and tab
    /// only. CR and LF would let a value inject headers; other control and non-ASCII characters
    /// are mangled by servers and proxies.
    /// </summary>
    /// <param name="option">The option's configuration path.</param>
    /// <param name="value">The configured value (<see langword="null"/> passes).</param>
    /// <returns><see langword="true"/> when the value is safe.</returns>
    public bool RequireHeaderSafe(string option, string? value)
    {
        if (value is null || IsHeaderSafe(value))
        {
            return true;
        }

        Add(option, $"'{Printable(value)}' contains a character not allowed in an HTTP header (CR, LF, another control character or non-ASCII).");
        return false;
    }

    /// <summary>Requires a strictly positive duration.</summary>
    /// <param name="option">The option's configuration path.</param>
    /// <param name="value">The configured duration.</param>
    /// <returns><see langword="true"/> when the value is positive.</returns>
    public bool RequirePositive(string option, TimeSpan value)
    {
        if (value > TimeSpan.Zero)
        {
            return true;
        }

        Add(option, $"'{value}' must be a positive duration, e.g. 00:30:00.");
        return false;
    }

    /// <summary>Requires every path pattern to compile (see <see cref="PathPatternMatcher"/>).</summary>
    /// <param name="option">The option's configuration path.</param>
    /// <param name="patterns">The configured patterns.</param>
    /// <returns><see langword="true"/> when every pattern is valid.</returns>
    public bool RequirePathPatterns(string option, IEnumerable<string>? patterns)
    {
        var failures = PathPatternMatcher.Validate(patterns, option);
        _failures.AddRange(failures);
        return failures.Count == 0;
    }

    /// <summary>
    /// Requires a local URL path: starts with a single <c>/</c>, not <c>//</c> or <c>/\</c>
    /// (which browsers treat as another host), and is header-safe.
    /// </summary>
    /// <param name="option">The option's configuration path.</param>
    /// <param name="value">The configured path.</param>
    /// <returns><see langword="true"/> when the value is a local path.</returns>
    public bool RequireLocalPath(string option, string? value)
    {
        if (value is { Length: > 0 } && value[0] == '/' &&
            (value.Length == 1 || (value[1] != '/' && value[1] != '\\')) && IsHeaderSafe(value))
        {
            return true;
        }

        Add(option, $"'{Printable(value)}' must be a local path starting with a single '/', e.g. /account/login.");
        return false;
    }

    /// <summary>
    /// Requires a list option to be given as a list in configuration: the binder silently ignores a single string
    /// where a list belongs (<c>"ExemptPaths": "/health"</c>), which would drop the setting without a word.
    /// </summary>
    /// <param name="configuration">The app's configuration (<see langword="null"/> passes).</param>
    /// <param name="option">The option's configuration path, e.g. <c>Security:Auth:LoginRequired:ExemptPaths</c>.</param>
    /// <returns><see langword="true"/> when the option is absent or a list.</returns>
    public bool RequireList(Microsoft.Extensions.Configuration.IConfiguration? configuration, string option)
    {
        var value = configuration?.GetSection(option).Value;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        Add(option, $"'{Printable(value)}' must be a list, e.g. \"{option.Split(':')[^1]}\": [ \"{Printable(value)}\" ].");
        return false;
    }

    /// <summary>The result for <c>IValidateOptions&lt;T&gt;.Validate</c>: success, or every failure.</summary>
    public ValidateOptionsResult ToResult() =>
        IsEmpty ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    /// <summary>Whether every character is visible ASCII, space or horizontal tab.</summary>
    /// <param name="value">The text to check.</param>
    public static bool IsHeaderSafe(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c != '\t' && (c < 0x20 || c > 0x7E))
            {
                return false;
            }
        }

        return true;
    }

    // Shows control characters in messages instead of breaking the log line.
    private static string Printable(string? value) =>
        value is null ? "(null)" : value.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
