using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Security.Shared;

namespace Security.Auth.Internal;

/// <summary>Logs of the AJAX-only check, category <c>Security.Auth.Ajax</c>.</summary>
internal static partial class AjaxLog
{
    public const string Category = "Security.Auth.Ajax";

    public static void Rejected(HttpContext context)
    {
        if (context.RequestServices.GetService<ILoggerFactory>() is { } factory)
        {
            NonAjaxRejected(factory.CreateLogger(Category), LogText.Escape(context.Request.Path.Value, 256));
        }
    }

    [LoggerMessage(EventId = 1301, EventName = "NonAjaxRejected", Level = LogLevel.Debug, Message = "Non-AJAX request to AJAX-only endpoint {Path} answered 403.")]
    private static partial void NonAjaxRejected(ILogger logger, string? path);
}
