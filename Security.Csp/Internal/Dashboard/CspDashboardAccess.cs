using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Security.Shared;

namespace Security.Csp.Internal.Dashboard;

/// <summary>
/// Closes the dashboard by default: an endpoint that carries no authorization metadata (no
/// <c>RequireAuthorization</c>, <c>[Authorize]</c> or <c>AllowAnonymous</c>, on it or on an enclosing
/// group) answers loopback requests only and 403 to everyone else, and startup logs one warning.
/// </summary>
/// <remarks>
/// Decided once per endpoint, when it is built after every convention has run (a <c>Finally</c>
/// convention), so a policy chained after <c>MapCspReportDashboard</c> counts and requests pay nothing.
/// A loopback request that carries a forwarding header came through a proxy on this machine, so it is
/// not treated as local.
/// </remarks>
internal sealed partial class CspDashboardAccess
{
    private readonly string _pattern;
    private readonly ILogger _logger;
    private int _gated;
    private int _warned;

    private CspDashboardAccess(string pattern, ILogger logger)
    {
        _pattern = pattern;
        _logger = logger;
    }

    /// <summary>Adds the gate to every endpoint of <paramref name="group"/> and the startup check.</summary>
    public static void Apply(IEndpointConventionBuilder group, string pattern, IServiceProvider services)
    {
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger<CspDashboardAccess>() ?? NullLogger<CspDashboardAccess>.Instance;
        var access = new CspDashboardAccess(pattern, logger);
        group.Finally(access.Decide);
        if (services.GetService<IHostApplicationLifetime>() is { } lifetime)
        {
            lifetime.ApplicationStarted.Register(() => access.WarnIfGated(services.GetService<EndpointDataSource>()));
        }
    }

    /// <summary>Whether the app has said who may see the endpoint: a policy, or explicitly anyone.</summary>
    internal static bool IsAuthorizationDecided(IEnumerable<object> metadata) =>
        metadata.Any(m => m is IAuthorizeData or AuthorizationPolicy or IAuthorizationRequirementData or IAllowAnonymous);

    private void Decide(EndpointBuilder builder)
    {
        if (IsAuthorizationDecided(builder.Metadata) || builder.RequestDelegate is not { } next)
        {
            return;
        }

        Volatile.Write(ref _gated, 1);
        builder.RequestDelegate = context => context.IsLocalRequest() ? next(context) : DenyAsync(context);
    }

    private async Task DenyAsync(HttpContext context)
    {
        Log.RemoteRequestRefused(_logger, _pattern);
        context.Response.Headers.CacheControl = "no-store";
        await ProblemResponse.WriteAsync(context, StatusCodes.Status403Forbidden, "The CSP report dashboard answers requests from this machine only.");
    }

    private void WarnIfGated(EndpointDataSource? endpoints)
    {
        // Reading the endpoints builds them, which runs Decide with every convention applied.
        _ = endpoints?.Endpoints;
        if (Volatile.Read(ref _gated) == 1 && Interlocked.Exchange(ref _warned, 1) == 0)
        {
            Log.LoopbackOnly(_logger, _pattern);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3040, EventName = "CspDashboardLoopbackOnly", Level = LogLevel.Warning,
            Message = "The CSP report dashboard at {Pattern} has no authorization policy, so it answers local (loopback) requests only and 403 to all others. " +
                      "Chain .RequireAuthorization(...) to open it to authorized users, or .AllowAnonymous() to publish it.")]
        public static partial void LoopbackOnly(ILogger logger, string pattern);

        [LoggerMessage(EventId = 3041, EventName = "CspDashboardRemoteRequestRefused", Level = LogLevel.Debug,
            Message = "The CSP report dashboard at {Pattern} refused a request that is not local (it has no authorization policy)")]
        public static partial void RemoteRequestRefused(ILogger logger, string pattern);
    }
}
