using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Security.Csp.Internal;

/// <summary>
/// Says so when a nonce is asked for after the CSP header went out without one: the element it is written on would
/// be blocked. In Development an exception shows the developer where; elsewhere a warning is logged and the page goes on.
/// Stored in the request's features as the marker (one instance for the app: nothing allocated per request).
/// </summary>
internal sealed partial class CspLateNonce(IServiceProvider services, ILogger<CspLateNonce> logger)
{
    private readonly bool _throw = services.GetService<IHostEnvironment>()?.IsDevelopment() == true;

    public void Report(HttpContext context)
    {
        if (_throw)
        {
            throw new InvalidOperationException(
                $"The CSP nonce was asked for after the response had started, so the Content-Security-Policy header went out without it and the element it is written on will be blocked (request {context.Request.Path}). Ask for it before the response starts (HttpContext.GetCspNonce() or <script asp-add-nonce>), e.g. do not flush the page before its nonced elements.");
        }

        Log.NonceAfterResponseStarted(logger, context.Request.Path);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3003, EventName = "CspNonceAfterResponseStarted", Level = LogLevel.Warning,
            Message = "The CSP nonce was asked for after the response had started (request {Path}): the header went out without it, so the element it is written on is blocked.")]
        public static partial void NonceAfterResponseStarted(ILogger logger, PathString path);
    }
}
