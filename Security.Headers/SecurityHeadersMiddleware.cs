using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Security.Abstractions;

namespace Security.Headers;

/// <summary>
/// Writes the security headers when the response starts, so they reach every response (404s,
/// static files, error pages written after <c>Response.Clear()</c>). Every value is computed here,
/// once; a request allocates nothing.
/// </summary>
internal sealed partial class SecurityHeadersMiddleware
{
    private const int FrameExcluded = 1;
    private const int ConfidentialPath = 2;
    private const int ClearSiteDataPath = 4;

    private static readonly StringValues NoCacheControl = "no-cache, no-store, max-age=0, must-revalidate";
    private static readonly StringValues NoCachePragma = "no-cache";
    private static readonly StringValues ExpiresNow = "-1";

    private readonly RequestDelegate _next;
    private readonly PathPatternMatcher _frameExclusions;
    private readonly PathPatternMatcher _whitelist;
    private readonly PathPatternMatcher _blacklist;
    private readonly bool _whitelistEnabled;
    private readonly bool _blacklistEnabled;
    private readonly PathPatternMatcher _clearSiteDataPaths;
    private readonly bool _hasPathRules;

    // One plan per combination of the path-based decisions, each with its own cached callback
    // delegate: the request picks one and passes the HttpContext as state, so nothing is allocated.
    private readonly Plan[] _plans;

    // One field per header, each written at its own call site with a constant name: measured faster
    // than one loop over arrays of names and values (about 10 ns a request; benchmarks/README.md).
    private readonly StringValues _referrerPolicy;
    private readonly StringValues _contentTypeOptions;
    private readonly StringValues _openerPolicy;
    private readonly StringValues _embedderPolicy;
    private readonly StringValues _resourcePolicy;
    private readonly StringValues _crossDomainPolicies;
    private readonly StringValues _permissionsPolicy;
    private readonly StringValues _frameOptions;
    private readonly StringValues _strictTransportSecurity;
    private readonly bool _includeLocalhost;
    private readonly StringValues _clearSiteData;
    private readonly bool _echoDoNotTrack;
    private readonly bool _removeServerHeader;
    private readonly EndpointMetadataProbe _endpointMetadata;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options, ILogger<SecurityHeadersMiddleware> logger, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        _endpointMetadata = new EndpointMetadataProbe(services);
        var o = options.Value;

        HeaderValues.TryReferrerPolicy(o.ReferrerPolicy, out var referrer);
        _referrerPolicy = referrer;
        HeaderValues.TryToken(o.ContentTypeOptions, HeaderValues.ContentTypeOptionsAllowed, out var contentType);
        _contentTypeOptions = contentType;
        HeaderValues.TryToken(o.CrossOriginOpenerPolicy, HeaderValues.OpenerPolicyAllowed, out var opener);
        _openerPolicy = opener;
        HeaderValues.TryToken(o.CrossOriginEmbedderPolicy, HeaderValues.EmbedderPolicyAllowed, out var embedder);
        _embedderPolicy = embedder;
        HeaderValues.TryToken(o.CrossOriginResourcePolicy, HeaderValues.ResourcePolicyAllowed, out var resource);
        _resourcePolicy = resource;
        HeaderValues.TryToken(o.PermittedCrossDomainPolicies, HeaderValues.CrossDomainPoliciesAllowed, out var crossDomain);
        _crossDomainPolicies = crossDomain;
        _permissionsPolicy = HeaderValues.IsOff(o.PermissionsPolicy) ? default : o.PermissionsPolicy.Trim();

        HeaderValues.TryFrameOptions(o.FrameOptions, out var frame);
        _frameOptions = frame;
        if (HeaderValues.IsAllowFrom(frame))
        {
            Log.AllowFromObsolete(logger, o.FrameOptions);
        }

        _strictTransportSecurity = o.StrictTransportSecurity.Enabled ? HeaderValues.StrictTransportSecurity(o.StrictTransportSecurity) : default;
        _includeLocalhost = o.StrictTransportSecurity.IncludeLocalhost;
        _clearSiteData = HeaderValues.ClearSiteData(o.ClearSiteData.Directives);
        _clearSiteDataPaths = PathPatternMatcher.CreateExact(o.ClearSiteData.Paths);
        _echoDoNotTrack = o.EchoDoNotTrack;
        _removeServerHeader = o.RemoveServerHeader;

        _frameExclusions = PathPatternMatcher.Create(o.FrameOptionsExcludePaths, PathPatternAnchor.WithLeadingSlash);
        _whitelistEnabled = o.NoConfidentialCaching.WhitelistEnabled;
        _whitelist = PathPatternMatcher.Create(o.NoConfidentialCaching.WhitelistPaths);
        _blacklistEnabled = o.NoConfidentialCaching.BlacklistEnabled;
        _blacklist = PathPatternMatcher.Create(o.NoConfidentialCaching.BlacklistPaths);
        LogOverMatchingExemptions(logger, o);

        _hasPathRules = !_frameExclusions.IsEmpty || _whitelistEnabled || _blacklistEnabled || !_clearSiteDataPaths.IsEmpty;
        _plans = new Plan[8];
        for (var i = 0; i < _plans.Length; i++)
        {
            _plans[i] = new Plan(this, i);
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            (string Name, StringValues Value)[] all =
            [
                ("Referrer-Policy", _referrerPolicy), ("X-Content-Type-Options", _contentTypeOptions),
                ("Cross-Origin-Opener-Policy", _openerPolicy), ("Cross-Origin-Embedder-Policy", _embedderPolicy),
                ("Cross-Origin-Resource-Policy", _resourcePolicy), ("X-Permitted-Cross-Domain-Policies", _crossDomainPolicies),
                ("Permissions-Policy", _permissionsPolicy),
            ];
            var sent = string.Join(", ", all.Where(h => h.Value.Count > 0).Select(h => h.Name));
            Log.Configured(logger, sent, _frameOptions.ToString(), _strictTransportSecurity.ToString());
        }
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (!_hasPathRules)
        {
            context.Response.OnStarting(_plans[0].Callback, context);
            return _next(context);
        }

        // Path rules are decided here, on the path the client asked for: an error page re-executed
        // under another path must keep the original's confidentiality.
        var path = context.Request.Path.Value ?? "";
        var flags = 0;
        if (!_frameExclusions.IsEmpty && _frameExclusions.IsMatch(path))
        {
            flags |= FrameExcluded;
        }

        if ((_whitelistEnabled && !_whitelist.IsMatch(path)) || (_blacklistEnabled && _blacklist.IsMatch(path)))
        {
            flags |= ConfidentialPath;
        }

        if (!_clearSiteDataPaths.IsEmpty && _clearSiteDataPaths.IsMatch(path))
        {
            flags |= ClearSiteDataPath;
        }

        context.Response.OnStarting(_plans[flags].Callback, context);
        return _next(context);
    }

    private void Apply(HttpContext context, int flags)
    {
        var frame = (flags & FrameExcluded) != 0 ? default : _frameOptions;
        var confidential = (flags & ConfidentialPath) != 0;
        var clearSiteData = (flags & ClearSiteDataPath) != 0 ? _clearSiteData : default;

        // Endpoint metadata is read when the response starts, so it works wherever routing runs;
        // not at all while no endpoint of the app carries any.
        var metadata = _endpointMetadata.MustLookUp ? context.GetEndpoint()?.Metadata : null;
        if (metadata?.GetMetadata<ISecurityHeadersMetadata>() is not null)
        {
            if (metadata.GetMetadata<DisableSecurityHeadersAttribute>() is not null)
            {
                return;
            }

            if (metadata.GetMetadata<FrameOptionsAttribute>() is { } frameOptions)
            {
                frame = frameOptions.HeaderValue;
            }

            confidential |= metadata.GetMetadata<ConfidentialAttribute>() is not null;
            if (metadata.GetMetadata<ClearSiteDataAttribute>() is { } clear)
            {
                clearSiteData = clear.HeaderValue;
            }
        }

        var headers = context.Response.Headers;
        if (frame.Count > 0)
        {
            headers.XFrameOptions = frame;
        }

        if (_referrerPolicy.Count > 0)
        {
            headers["Referrer-Policy"] = _referrerPolicy;
        }

        if (_contentTypeOptions.Count > 0)
        {
            headers.XContentTypeOptions = _contentTypeOptions;
        }

        if (_openerPolicy.Count > 0)
        {
            headers["Cross-Origin-Opener-Policy"] = _openerPolicy;
        }

        if (_embedderPolicy.Count > 0)
        {
            headers["Cross-Origin-Embedder-Policy"] = _embedderPolicy;
        }

        if (_resourcePolicy.Count > 0)
        {
            headers["Cross-Origin-Resource-Policy"] = _resourcePolicy;
        }

        if (_crossDomainPolicies.Count > 0)
        {
            headers["X-Permitted-Cross-Domain-Policies"] = _crossDomainPolicies;
        }

        if (_permissionsPolicy.Count > 0)
        {
            headers["Permissions-Policy"] = _permissionsPolicy;
        }

        if (_strictTransportSecurity.Count > 0 && context.Request.IsHttps &&
            (_includeLocalhost || !IsLocalhost(context.Request.Headers.Host)))
        {
            headers.StrictTransportSecurity = _strictTransportSecurity;
        }

        if (confidential)
        {
            headers.CacheControl = NoCacheControl;
            headers.Pragma = NoCachePragma;
            headers.Expires = ExpiresNow;
        }

        if (clearSiteData.Count > 0)
        {
            headers["Clear-Site-Data"] = clearSiteData;
        }

        if (_echoDoNotTrack)
        {
            var dnt = context.Request.Headers[DoNotTrackHttpContextExtensions.DoNotTrackHeader];
            if (dnt.Count > 0)
            {
                headers[DoNotTrackHttpContextExtensions.DoNotTrackHeader] = dnt;
            }
        }

        if (_removeServerHeader)
        {
            headers.Remove("Server");
            headers.Remove("X-Powered-By");
        }
    }

    // The raw Host header ("localhost:5001", "127.0.0.1", "[::1]:5001"), compared on the span: no
    // HostString parsing, no allocation. Most hosts are told apart by their first character.
    private static bool IsLocalhost(string? host)
    {
        if (string.IsNullOrEmpty(host) || (host[0] != '[' && host[0] != '1' && (host[0] | 0x20) != 'l'))
        {
            return false;
        }

        var span = host.AsSpan();
        if (span[0] == '[')
        {
            var end = span.IndexOf(']');
            span = end < 0 ? span : span[..(end + 1)];
        }
        else
        {
            var colon = span.IndexOf(':');
            span = colon < 0 ? span : span[..colon];
        }

        return span.Equals("localhost", StringComparison.OrdinalIgnoreCase) || span.SequenceEqual("127.0.0.1") || span.SequenceEqual("[::1]");
    }

    private sealed class Plan
    {
        private readonly SecurityHeadersMiddleware _middleware;
        private readonly int _flags;

        public Plan(SecurityHeadersMiddleware middleware, int flags)
        {
            _middleware = middleware;
            _flags = flags;
            Callback = Run;
        }

        public Func<object, Task> Callback { get; }

        private Task Run(object state)
        {
            _middleware.Apply((HttpContext)state, _flags);
            return Task.CompletedTask;
        }
    }

    // Exclusions and the whitelist switch a protection off: one that ends mid-word switches it off
    // for more paths than its author meant.
    private static void LogOverMatchingExemptions(ILogger logger, SecurityHeadersOptions o)
    {
        var section = SecurityHeadersOptionsValidator.Section + ":";
        var warnings = PathPatternMatcher.FindOverMatching(o.FrameOptionsExcludePaths, section + "FrameOptionsExcludePaths", PathPatternAnchor.WithLeadingSlash)
            .Concat(o.NoConfidentialCaching.WhitelistEnabled
                ? PathPatternMatcher.FindOverMatching(o.NoConfidentialCaching.WhitelistPaths, section + "NoConfidentialCaching:WhitelistPaths")
                : []);
        foreach (var warning in warnings)
        {
            Log.ExemptionOverMatches(logger, warning);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, EventName = "AllowFromObsolete", Level = LogLevel.Warning,
            Message = "Security:Headers:FrameOptions is '{FrameOptions}': browsers ignore X-Frame-Options ALLOW-FROM, so framing is not restricted; use the Content-Security-Policy directive frame-ancestors instead.")]
        public static partial void AllowFromObsolete(ILogger logger, string frameOptions);

        [LoggerMessage(EventId = 3, EventName = "ExemptionOverMatches", Level = LogLevel.Warning,
            Message = "{Warning}")]
        public static partial void ExemptionOverMatches(ILogger logger, string warning);

        [LoggerMessage(EventId = 2, EventName = "Configured", Level = LogLevel.Debug,
            Message = "Security headers ready: {Headers}; X-Frame-Options '{FrameOptions}'; Strict-Transport-Security '{StrictTransportSecurity}' on HTTPS.")]
        public static partial void Configured(ILogger logger, string headers, string frameOptions, string strictTransportSecurity);
    }
}
