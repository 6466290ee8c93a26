using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Security.Abstractions;
using Security.Shared;

namespace Security.Csp.Internal.Reports;

/// <summary>
/// Receives CSP violation reports: checks method, the client's rate limit, content type and size,
/// parses, logs and enqueues. Never answers 500: whatever the body, the answer is 204, 400, 405, 413, 415 or 429.
/// </summary>
internal sealed partial class CspReportEndpoint(
    IOptions<SecurityCspOptions> options, CspReportQueue queue, CspReportRateLimiter rateLimiter, CspMetrics metrics, TimeProvider timeProvider,
    ILogger<CspReportEndpoint> logger, CspReportLogThrottle logThrottle)
{
    private readonly CspReportOptions _options = options.Value.Reports;
    private readonly CspAppOrigins _appOrigins = new(options.Value.Reports.AppOrigins);
    private readonly CspReportGroupCeiling _ceiling = new(options.Value.Reports.MaxNewGroupsPerHour);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            response.Headers.Allow = "POST";
            await ProblemResponse.WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "Send CSP reports with POST.");
            return;
        }

        // Before the body is read, so a flood costs as little as possible.
        if (!rateLimiter.TryAcquire(context, out var retryAfter))
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await RejectAsync(context, StatusCodes.Status429TooManyRequests, "rate_limited", "client over the rate limit");
            return;
        }

        if (!IsReportContentType(request.ContentType))
        {
            await RejectAsync(context, StatusCodes.Status415UnsupportedMediaType, "unsupported_media_type", "unsupported content type");
            return;
        }

        var limit = _options.MaxBodySize;
        if (request.ContentLength > limit)
        {
            await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, "too_large", "body over the size limit");
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var length = 0;
            try
            {
                // Read at most limit + 1 bytes whatever Content-Length says: a chunked body has none.
                int read;
                while (length <= limit && (read = await request.Body.ReadAsync(buffer.AsMemory(length, limit + 1 - length), context.RequestAborted)) > 0)
                {
                    length += read;
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is BadHttpRequestException or IOException or InvalidOperationException)
            {
                await RejectAsync(context, StatusCodes.Status400BadRequest, "invalid", "body could not be read");
                return;
            }

            if (length > limit)
            {
                await RejectAsync(context, StatusCodes.Status413PayloadTooLarge, "too_large", "body over the size limit");
                return;
            }

            var reports = new List<CspReport>(1);
            var userAgent = request.Headers.UserAgent.ToString();
            if (!CspReportParser.TryParse(
                    buffer.AsMemory(0, length), _options, timeProvider.GetUtcNow(),
                    context.Connection.RemoteIpAddress?.ToString(), userAgent.Length == 0 ? null : userAgent, reports, out var dropped))
            {
                await RejectAsync(context, StatusCodes.Status400BadRequest, "invalid", "body is not valid JSON text or holds no CSP report");
                return;
            }

            if (dropped > 0)
            {
                metrics.Dropped(dropped, "request_limit");
                Log.OverRequestLimit(logger, dropped, _options.MaxReportsPerRequest);
            }

            // Answered 204 all the same: the sender learns nothing about which origins count.
            var foreign = reports.RemoveAll(r => !_appOrigins.Contains(r.DocumentUri, request.Host));
            if (foreign > 0)
            {
                metrics.Rejected("foreign_document", foreign);
                Log.ForeignDocument(logger, foreign);
            }

            Accept(reports);
            response.StatusCode = StatusCodes.Status204NoContent;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Accept(List<CspReport> reports)
    {
        metrics.Received(reports.Count);
        foreach (var received in reports)
        {
            var report = _ceiling.Admit(received);
            // The first report of a group in an hour is logged in full, the rest in one summary line.
            if (_options.LogReports && logger.IsEnabled(LogLevel.Warning) && logThrottle.ShouldLog(report))
            {
                Log.Violation(
                    logger, report.DocumentUri, report.BlockedUri, report.EffectiveDirective, report.ViolatedDirective, report.Disposition,
                    report.SourceFile, report.LineNumber, _options.LogSenderIp ? report.SenderIp : null, _options.LogUserAgent ? report.UserAgent : null);
            }

            if (_options.StoreReports && !queue.TryEnqueue(report))
            {
                metrics.Dropped(1, "queue_full");
                Log.QueueFull(logger);
            }
        }
    }

    private async Task RejectAsync(HttpContext context, int status, string metricReason, string reason)
    {
        metrics.Rejected(metricReason);
        Log.ReportRejected(logger, status, reason);
        await ProblemResponse.WriteAsync(context, status, "The CSP report was refused: " + reason + ".");
    }

    // Compared without parameters such as charset: "application/csp-report; charset=utf-8".
    private static bool IsReportContentType(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        mediaType = mediaType.Trim();
        return mediaType.Equals("application/csp-report", StringComparison.OrdinalIgnoreCase) ||
               mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
               mediaType.Equals("application/reports+json", StringComparison.OrdinalIgnoreCase);
    }

    private static partial class Log
    {
        /// <summary>Logs a report with the control characters of every value escaped, so a report cannot forge log lines.</summary>
        public static void Violation(
            ILogger logger, string? documentUri, string? blockedUri, string? effectiveDirective, string? violatedDirective, string? disposition,
            string? sourceFile, int? lineNumber, string? senderIp, string? userAgent)
        {
            if (logger.IsEnabled(LogLevel.Warning))
            {
                EscapedViolation(
                    logger, LogText.Escape(documentUri), LogText.Escape(blockedUri), LogText.Escape(effectiveDirective),
                    LogText.Escape(violatedDirective), LogText.Escape(disposition), LogText.Escape(sourceFile), lineNumber,
                    senderIp, LogText.Escape(userAgent));
            }
        }

        [LoggerMessage(EventId = 3010, EventName = "CspViolation", Level = LogLevel.Warning,
            Message = "Content Security Policy violation: {EffectiveDirective} blocked {BlockedUri} on {DocumentUri} (violated directive {ViolatedDirective}, disposition {Disposition}, source {SourceFile} line {LineNumber}); sender IP {SenderIp}, user agent {UserAgent}")]
        private static partial void EscapedViolation(
            ILogger logger, string? documentUri, string? blockedUri, string? effectiveDirective, string? violatedDirective, string? disposition,
            string? sourceFile, int? lineNumber, string? senderIp, string? userAgent);

        [LoggerMessage(EventId = 3011, EventName = "CspReportRejected", Level = LogLevel.Debug,
            Message = "CSP report request rejected with {StatusCode}: {Reason}")]
        public static partial void ReportRejected(ILogger logger, int statusCode, string reason);

        [LoggerMessage(EventId = 3012, EventName = "CspReportQueueFull", Level = LogLevel.Debug,
            Message = "CSP report dropped: the report queue is full")]
        public static partial void QueueFull(ILogger logger);

        [LoggerMessage(EventId = 3014, EventName = "CspReportForeignDocument", Level = LogLevel.Debug,
            Message = "{Count} CSP reports dropped: their document is not one of the app's origins")]
        public static partial void ForeignDocument(ILogger logger, int count);

        [LoggerMessage(EventId = 3013, EventName = "CspReportsOverRequestLimit", Level = LogLevel.Debug,
            Message = "{Dropped} CSP reports dropped: one request may carry at most {MaxReportsPerRequest}")]
        public static partial void OverRequestLimit(ILogger logger, int dropped, int maxReportsPerRequest);
    }
}
