using System.Collections.Frozen;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Security.Abstractions;
using Security.Shared;

namespace Security.CrossOrigin.Internal;

/// <summary>
/// Refuses requests a browser sends on another origin's behalf, from <c>Sec-Fetch-Site</c> (every current browser)
/// or else <c>Origin</c>. A passing request costs a few header reads; the options are turned into ready values here.
/// </summary>
internal sealed partial class CrossOriginProtectionMiddleware
{
    private const string SecFetchSite = "Sec-Fetch-Site";
    private const string SecFetchMode = "Sec-Fetch-Mode";
    private const string SecFetchDest = "Sec-Fetch-Dest";

    // Headers that method-override middleware (ASP.NET Core's UseHttpMethodOverride and others) turn a POST into another method with.
    private static readonly string[] MethodOverrideHeaders = ["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"];

    private static readonly StringValues NoStore = "no-store";

    private readonly RequestDelegate _next;
    private readonly CrossOriginProtectionMode _mode;
    private readonly bool _allowSameSite;
    private readonly FrozenSet<string> _trustedOrigins;
    private readonly PathPatternMatcher _exemptPaths;
    private readonly CorsPolicyOrigins? _cors;
    private readonly IProblemDetailsService? _problemDetails;
    private readonly byte[][] _problemBodies;
    private readonly CrossOriginMetrics _metrics;
    private readonly ILogger _logger;

    public CrossOriginProtectionMiddleware(
        RequestDelegate next,
        IOptions<CrossOriginProtectionOptions> options,
        CrossOriginMetrics metrics,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(options);
        _next = next;
        var o = options.Value;
        _metrics = metrics;
        _logger = loggerFactory.CreateLogger(SecurityTelemetry.LoggingCategoryPrefix + "CrossOrigin");
        _mode = o.Mode;
        _allowSameSite = o.AllowSameSite;
        _trustedOrigins = o.TrustedOrigins.Select(origin => RequestOrigin.Normalize(origin, out _)!).ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _exemptPaths = PathPatternMatcher.Create(o.ExemptPaths);
        foreach (var warning in PathPatternMatcher.FindOverMatching(o.ExemptPaths, CrossOriginProtectionOptions.SectionName + ":ExemptPaths"))
        {
            Log.ExemptionOverMatches(_logger, warning);
        }

        if (o.TrustCorsPolicyOrigins)
        {
            var provider = services.GetService<ICorsPolicyProvider>()
                ?? throw new InvalidOperationException(
                    $"{CrossOriginProtectionOptions.SectionName}:TrustCorsPolicyOrigins is true but no CORS policy provider is registered: call services.AddCors(...).");
            _cors = new CorsPolicyOrigins(provider, o.CorsPolicyName);
        }

        _problemDetails = services.GetService<IProblemDetailsService>();
        _problemBodies = CrossOriginRefusals.ProblemBodies();
        Log.Configured(_logger, _mode, _allowSameSite, _trustedOrigins.Count, _exemptPaths.Patterns.Count, o.TrustCorsPolicyOrigins);
    }

    public Task InvokeAsync(HttpContext context)
    {
        var refusal = Decide(context);
        return refusal == CrossOriginRefusal.None ? _next(context) : RefuseUnlessExemptAsync(context, refusal);
    }

    // Ordered so that what browsers send most (same-origin and typed-in requests) and non-browser clients are
    // decided from one or two header reads.
    private CrossOriginRefusal Decide(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers;
        var site = headers[SecFetchSite];
        if (site.Count != 0)
        {
            var value = site.Count == 1 ? site[0] : null;
            if (value is "same-origin" or "none" || (value is "same-site" && _allowSameSite))
            {
                return CrossOriginRefusal.None;
            }

            if (IsUnsafe(request))
            {
                return value switch
                {
                    "cross-site" => CrossOriginRefusal.CrossSite,
                    "same-site" => CrossOriginRefusal.SameSite,
                    _ => CrossOriginRefusal.UnknownSite,
                };
            }

            return ModeOf(context) == CrossOriginProtectionMode.ResourceIsolation && !IsNavigation(headers)
                ? CrossOriginRefusal.CrossSiteResource
                : CrossOriginRefusal.None;
        }

        // No Sec-Fetch-Site: a browser from before 2023, a plain-http page (browsers send Fetch Metadata only to
        // trustworthy origins), or not a browser. Origin is all there is.
        var origin = headers.Origin;
        if (origin.Count == 0 || !IsUnsafe(request))
        {
            // No Origin: not a browser acting for another site (curl, a server, a mobile app). A safe method:
            // nothing to forge, and isolation needs Fetch Metadata.
            return CrossOriginRefusal.None;
        }

        if (origin.Count > 1)
        {
            return CrossOriginRefusal.OriginMismatch;
        }

        var text = origin[0];
        if (text == "null")
        {
            return CrossOriginRefusal.NullOrigin;
        }

        return RequestOrigin.IsSame(text, request.Scheme, request.Host.Value) ? CrossOriginRefusal.None : CrossOriginRefusal.OriginMismatch;
    }

    // The method the app will act on may not be Request.Method: a method-override middleware (before or after this one)
    // turns a POST carrying an override header or form field into another method, so a "safe" method with a body or an
    // override header is checked as the POST it was. Browsers send neither on their own GET, HEAD or OPTIONS.
    private static bool IsUnsafe(HttpRequest request)
    {
        var method = request.Method;
        if (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method) && !HttpMethods.IsOptions(method))
        {
            return true;
        }

        var headers = request.Headers;
        if (headers.ContentType.Count != 0)
        {
            return true;
        }

        foreach (var name in MethodOverrideHeaders)
        {
            if (headers.ContainsKey(name))
            {
                return true;
            }
        }

        return false;
    }

    // A top-level navigation (a link followed, a form with method GET): what other sites may still do under isolation.
    // <object> and <embed> load as navigations but into the embedding page.
    private static bool IsNavigation(IHeaderDictionary headers)
    {
        var mode = headers[SecFetchMode];
        if (mode.Count != 1 || mode[0] != "navigate")
        {
            return false;
        }

        var dest = headers[SecFetchDest];
        return dest.Count == 0 || (dest.Count == 1 && dest[0] is not ("object" or "embed"));
    }

    private CrossOriginProtectionMode ModeOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<CrossOriginProtectionAttribute>()?.Mode ?? _mode;

    private async Task RefuseUnlessExemptAsync(HttpContext context, CrossOriginRefusal refusal)
    {
        var request = context.Request;
        var metadata = context.GetEndpoint()?.Metadata;
        var origin = request.Headers.Origin is { Count: 1 } single ? single[0] : null;
        if (metadata?.GetMetadata<AllowCrossOriginAttribute>() is not null ||
            (!_exemptPaths.IsEmpty && _exemptPaths.IsMatch(request.Path)) ||
            (origin is not null && _trustedOrigins.Contains(origin)) ||
            (origin is not null && _cors is not null && await _cors.IsAllowedAsync(context, origin)))
        {
            await _next(context);
            return;
        }

        _metrics.Refused(refusal);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            var headers = request.Headers;
            Log.Refused(
                _logger,
                CrossOriginRefusals.Name(refusal),
                LogText.Escape(request.Method, 16)!,
                LogText.Escape(request.Path.Value, 200)!,
                LogText.Escape(headers.Origin.ToString(), 200)!,
                LogText.Escape(headers[SecFetchSite].ToString(), 32)!,
                LogText.Escape(headers[SecFetchMode].ToString(), 32)!,
                LogText.Escape(headers[SecFetchDest].ToString(), 32)!);
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status403Forbidden;
        // A shared cache must not hand this answer to the app's own pages, which would have been served.
        response.Headers.CacheControl = NoStore;
        if (_problemDetails is not null)
        {
            var problem = new ProblemDetails
            {
                Type = CrossOriginRefusals.Type,
                Title = CrossOriginRefusals.Title,
                Status = StatusCodes.Status403Forbidden,
                Detail = CrossOriginRefusals.Detail(refusal),
                Extensions = { ["reason"] = CrossOriginRefusals.Name(refusal) },
            };
            if (await _problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
            {
                return;
            }
        }

        var body = _problemBodies[(int)refusal];
        response.ContentType = "application/problem+json";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, EventName = "Refused", Level = LogLevel.Information,
            Message = "Cross-origin request refused ({Reason}): {Method} {Path}, Origin '{Origin}', Sec-Fetch-Site '{Site}', Sec-Fetch-Mode '{FetchMode}', Sec-Fetch-Dest '{Dest}'.")]
        public static partial void Refused(ILogger logger, string reason, string method, string path, string origin, string site, string fetchMode, string dest);

        [LoggerMessage(EventId = 7002, EventName = "ExemptionOverMatches", Level = LogLevel.Warning, Message = "A path pattern matches more paths than it names: {Warning}.")]
        public static partial void ExemptionOverMatches(ILogger logger, string warning);

        [LoggerMessage(EventId = 7003, EventName = "Configured", Level = LogLevel.Debug,
            Message = "Cross-origin protection ready: mode {Mode}, same-site allowed {AllowSameSite}, {TrustedOrigins} trusted origin(s), {ExemptPaths} exempt path pattern(s), CORS policy origins trusted {TrustCors}.")]
        public static partial void Configured(ILogger logger, CrossOriginProtectionMode mode, bool allowSameSite, int trustedOrigins, int exemptPaths, bool trustCors);
    }
}
