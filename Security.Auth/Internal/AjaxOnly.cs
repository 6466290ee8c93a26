using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Security.Shared;

namespace Security.Auth.Internal;

/// <summary>What the AJAX-only check does with a request that is not AJAX; logs under the category <c>Security.Auth.Ajax</c>.</summary>
internal static partial class AjaxOnly
{
    public const string Category = "Security.Auth.Ajax";

    // The most characters of a request path written to a log line.
    private const int MaxLoggedPath = 256;

    public static void LogRejected(HttpContext context)
    {
        if (context.RequestServices.GetService<ILoggerFactory>() is { } factory)
        {
            Log.NonAjaxRejected(factory.CreateLogger(Category), LogText.Escape(context.Request.Path.Value, MaxLoggedPath));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1301, EventName = "NonAjaxRejected", Level = LogLevel.Debug, Message = "Non-AJAX request to AJAX-only endpoint {Path} answered 403.")]
        public static partial void NonAjaxRejected(ILogger logger, string? path);
    }
}
