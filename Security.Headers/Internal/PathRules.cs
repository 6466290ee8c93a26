using Security.Abstractions;

namespace Security.Headers.Internal;

/// <summary>The path options of <see cref="SecurityHeadersOptions"/>, compiled once.</summary>
internal sealed class PathRules
{
    /// <summary>How many <see cref="PathDecision"/> combinations there are.</summary>
    public const int DecisionCount = 8;

    private readonly PathPatternMatcher _frameExclusions;
    private readonly bool _whitelistEnabled;
    private readonly PathPatternMatcher _whitelist;
    private readonly bool _blacklistEnabled;
    private readonly PathPatternMatcher _blacklist;
    private readonly PathPatternMatcher _clearSiteDataPaths;

    public PathRules(SecurityHeadersOptions options)
    {
        _frameExclusions = PathPatternMatcher.Create(options.FrameOptionsExcludePaths, PathPatternAnchor.WithLeadingSlash);
        _whitelistEnabled = options.NoConfidentialCaching.WhitelistEnabled;
        _whitelist = PathPatternMatcher.Create(options.NoConfidentialCaching.WhitelistPaths);
        _blacklistEnabled = options.NoConfidentialCaching.BlacklistEnabled;
        _blacklist = PathPatternMatcher.Create(options.NoConfidentialCaching.BlacklistPaths);
        _clearSiteDataPaths = PathPatternMatcher.CreateExact(options.ClearSiteData.Paths);
    }

    public PathDecision Decide(string path)
    {
        var decision = PathDecision.None;
        if (!_frameExclusions.IsEmpty && _frameExclusions.IsMatch(path))
        {
            decision |= PathDecision.NoFrameOptions;
        }

        if ((_whitelistEnabled && !_whitelist.IsMatch(path)) || (_blacklistEnabled && _blacklist.IsMatch(path)))
        {
            decision |= PathDecision.Confidential;
        }

        if (!_clearSiteDataPaths.IsEmpty && _clearSiteDataPaths.IsMatch(path))
        {
            decision |= PathDecision.ClearSiteData;
        }

        return decision;
    }

    /// <summary>
    /// Exclusions and the whitelist switch a protection off: a pattern that ends mid-word switches it
    /// off for more paths than its author meant. One warning per such pattern.
    /// </summary>
    public static IEnumerable<string> OverMatchingExemptions(SecurityHeadersOptions options)
    {
        const string Section = SecurityHeadersOptions.SectionName + ":";
        var warnings = PathPatternMatcher.FindOverMatching(options.FrameOptionsExcludePaths, Section + nameof(options.FrameOptionsExcludePaths), PathPatternAnchor.WithLeadingSlash);
        return options.NoConfidentialCaching.WhitelistEnabled
            ? warnings.Concat(PathPatternMatcher.FindOverMatching(options.NoConfidentialCaching.WhitelistPaths, Section + "NoConfidentialCaching:WhitelistPaths"))
            : warnings;
    }
}
