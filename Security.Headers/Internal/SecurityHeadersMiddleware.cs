using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Security.Abstractions;
using Security.Shared;

namespace Security.Headers.Internal;

/// <summary>
/// Writes the security headers when the response starts, so they reach every response (404s,
/// static files, error pages written after <c>Response.Clear()</c>). Every header value is built
/// here, once, from the options; a request only looks up and writes.
/// </summary>
internal sealed partial class SecurityHeadersMiddleware
{
    private static readonly StringValues NoCacheControl = "no-cache, no-store, max-age=0, must-revalidate";
    private static readonly StringValues NoCachePragma = "no-cache";
    private static readonly StringValues ExpiresNow = "-1";
    private static readonly StringValues NoStore = "no-store";

    private readonly RequestDelegate _next;
    private readonly PathRules _pathRules;

    // The headers every response gets, whatever its path or endpoint (unless the endpoint disables them all).
    private readonly (string Name, StringValues Value)[] _staticHeaders;
    private readonly StringValues _frameOptions;
    private readonly StringValues _strictTransportSecurity;
    private readonly bool _includeLocalhost;
    private readonly StringValues _clearSiteData;
    private readonly bool _echoDoNotTrack;
    private readonly bool _apiNoStore;
    private readonly FingerprintingHeaderRemover? _fingerprints;
    private readonly bool _rejectTraceMethods;

    // One callback per combination of path decisions, made once, so that OnStarting gets only the
    // HttpContext as its state and a request allocates nothing.
    private readonly Func<object, Task>[] _onStarting;

    public SecurityHeadersMiddleware(RequestDelegate next, IOptions<SecurityHeadersOptions> options, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        var o = options.Value;
        var logger = loggerFactory.CreateLogger(SecurityTelemetry.LoggingCategoryPrefix + "Headers");

        _staticHeaders = StaticHeaders(o);
        HeaderValues.TryFrameOptions(o.FrameOptions, out var frame);
        _frameOptions = frame;
        if (HeaderValues.IsAllowFrom(frame))
        {
            Log.AllowFromObsolete(logger, o.FrameOptions);
        }

        _strictTransportSecurity = o.StrictTransportSecurity.Enabled ? HeaderValues.StrictTransportSecurity(o.StrictTransportSecurity) : default;
        _includeLocalhost = o.StrictTransportSecurity.IncludeLocalhost;
        _clearSiteData = HeaderValues.ClearSiteData(o.ClearSiteData.Directives);
        _echoDoNotTrack = o.EchoDoNotTrack;
        _apiNoStore = o.ApiNoStore;
        _fingerprints = FingerprintingHeaderNames(o) is { Count: > 0 } names ? new FingerprintingHeaderRemover(names) : null;
        _rejectTraceMethods = o.RejectTraceMethods;

        foreach (var feature in PermissionsPolicySyntax.FeatureNames(HeaderValues.IsOff(o.PermissionsPolicy) ? "" : o.PermissionsPolicy))
        {
            if (!PermissionsPolicyFeatures.IsKnown(feature))
            {
                Log.UnknownPermissionsFeature(logger, feature);
            }
        }

        _pathRules = new PathRules(o);
        foreach (var warning in PathRules.OverMatchingExemptions(o))
        {
            Log.ExemptionOverMatches(logger, warning);
        }

        _onStarting = new Func<object, Task>[PathRules.DecisionCount];
        for (var i = 0; i < _onStarting.Length; i++)
        {
            var decision = (PathDecision)i;
            _onStarting[i] = state =>
            {
                WriteHeaders((HttpContext)state, decision);
                return Task.CompletedTask;
            };
        }

        if (logger.IsEnabled(LogLevel.Debug))
        {
            Log.Configured(logger, string.Join(", ", _staticHeaders.Select(h => h.Name)), _frameOptions.ToString(), _strictTransportSecurity.ToString());
        }
    }

    public Task InvokeAsync(HttpContext context)
    {
        // Decided now, on the path the client asked for: an error page re-executed under another
        // path must keep the original's confidentiality.
        var decision = _pathRules.Decide(context.Request.Path.Value ?? "");
        context.Response.OnStarting(_onStarting[(int)decision], context);
        if (_rejectTraceMethods && IsTrace(context.Request.Method))
        {
            // Answered here, with the security headers, before anything could echo the request back.
            return ProblemResponse.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "TRACE and TRACK are not served.").AsTask();
        }

        return _next(context);
    }

    // TRACK is IIS's name for TRACE; methods are case-sensitive, but servers in front may not be.
    private static bool IsTrace(string method) =>
        HttpMethods.IsTrace(method) || method.Equals("TRACK", StringComparison.OrdinalIgnoreCase);

    private void WriteHeaders(HttpContext context, PathDecision decision)
    {
        var frame = (decision & PathDecision.NoFrameOptions) != 0 ? default : _frameOptions;
        var confidential = (decision & PathDecision.Confidential) != 0;
        var clearSiteData = (decision & PathDecision.ClearSiteData) != 0 ? _clearSiteData : default;

        // Read when the response starts, so it works wherever routing runs in the pipeline.
        var metadata = context.GetEndpoint()?.Metadata;
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
        foreach (var (name, value) in _staticHeaders)
        {
            headers[name] = value;
        }

        if (frame.Count > 0)
        {
            headers.XFrameOptions = frame;
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
        else if (_apiNoStore && metadata is not null && headers.CacheControl.Count == 0 && ApiEndpoint.IsApi(metadata))
        {
            // An API answer is data for one caller (often a token): no cache keeps it unless the endpoint says it may.
            headers.CacheControl = NoStore;
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

        _fingerprints?.RemoveFrom(headers);
    }

    private static List<string> FingerprintingHeaderNames(SecurityHeadersOptions o)
    {
        var names = new List<string>();
        if (o.RemoveFingerprintingHeaders)
        {
            names.AddRange(FingerprintingHeaders.OwaspRemovalList);
            names.AddRange(o.AdditionalFingerprintingHeaders.Select(n => n.Trim()));
        }

        if (o.RemoveServerHeader)
        {
            names.Add("Server");
            names.Add("X-Powered-By");
        }
        else
        {
            names.RemoveAll(n => n.Equals("Server", StringComparison.OrdinalIgnoreCase));
        }

        return names;
    }

    private static (string Name, StringValues Value)[] StaticHeaders(SecurityHeadersOptions o)
    {
        HeaderValues.TryReferrerPolicy(o.ReferrerPolicy, out var referrer);
        HeaderValues.TryToken(o.ContentTypeOptions, HeaderValues.ContentTypeOptionsAllowed, out var contentType);
        HeaderValues.TryToken(o.CrossOriginOpenerPolicy, HeaderValues.OpenerPolicyAllowed, out var opener);
        HeaderValues.TryToken(o.CrossOriginEmbedderPolicy, HeaderValues.EmbedderPolicyAllowed, out var embedder);
        HeaderValues.TryToken(o.CrossOriginResourcePolicy, HeaderValues.ResourcePolicyAllowed, out var resource);
        HeaderValues.TryToken(o.PermittedCrossDomainPolicies, HeaderValues.CrossDomainPoliciesAllowed, out var crossDomain);
        var permissions = HeaderValues.PermissionsPolicy(o);
        HeaderValues.TryToken(o.OriginAgentCluster, HeaderValues.OriginAgentClusterAllowed, out var agentCluster);
        HeaderValues.TryToken(o.DnsPrefetchControl, HeaderValues.DnsPrefetchControlAllowed, out var dnsPrefetch);

        (string Name, string? Value)[] all =
        [
            ("Referrer-Policy", referrer),
            ("X-Content-Type-Options", contentType),
            ("Cross-Origin-Opener-Policy", opener),
            ("Cross-Origin-Embedder-Policy", embedder),
            ("Cross-Origin-Resource-Policy", resource),
            ("X-Permitted-Cross-Domain-Policies", crossDomain),
            ("Permissions-Policy", permissions),
            ("Origin-Agent-Cluster", agentCluster),
            ("X-DNS-Prefetch-Control", dnsPrefetch switch { "disabled" => "off", "enabled" => "on", _ => null }),
        ];

        // "off" gives no value: no header.
        return [.. all.Where(h => h.Value is not null).Select(h => (h.Name, new StringValues(h.Value)))];
    }

    // The raw Host header: "localhost:5001", "127.0.0.1", "[::1]:5001".
    private static bool IsLocalhost(string? hostHeader)
    {
        var host = hostHeader.AsSpan();
        var end = host.StartsWith("[") ? host.IndexOf(']') + 1 : host.IndexOf(':');
        if (end > 0)
        {
            host = host[..end];
        }

        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.SequenceEqual("127.0.0.1") || host.SequenceEqual("[::1]");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, EventName = "AllowFromObsolete", Level = LogLevel.Warning,
            Message = "Security:Headers:FrameOptions is '{FrameOptions}': browsers ignore X-Frame-Options ALLOW-FROM, so framing is not restricted; use the Content-Security-Policy directive frame-ancestors instead.")]
        public static partial void AllowFromObsolete(ILogger logger, string frameOptions);

        [LoggerMessage(EventId = 2002, EventName = "Configured", Level = LogLevel.Debug,
            Message = "Security headers ready: {Headers}; X-Frame-Options '{FrameOptions}'; Strict-Transport-Security '{StrictTransportSecurity}' on HTTPS.")]
        public static partial void Configured(ILogger logger, string headers, string frameOptions, string strictTransportSecurity);

        [LoggerMessage(EventId = 2003, EventName = "ExemptionOverMatches", Level = LogLevel.Warning,
            Message = "A path pattern matches more paths than it names: {Warning}.")]
        public static partial void ExemptionOverMatches(ILogger logger, string warning);

        [LoggerMessage(EventId = 2004, EventName = "UnknownPermissionsFeature", Level = LogLevel.Warning,
            Message = "Security:Headers:PermissionsPolicy names '{Feature}', a feature Chromium does not know: it is sent as given, browsers ignore it and log an error on every page. Check the spelling.")]
        public static partial void UnknownPermissionsFeature(ILogger logger, string feature);
    }
}
