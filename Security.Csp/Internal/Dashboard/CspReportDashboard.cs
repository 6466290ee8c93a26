using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Security.Abstractions;
using Security.Csp.Internal.Policy;
using Security.Csp.Internal.Reports;
using Microsoft.Extensions.Options;
using Security.Shared;

namespace Security.Csp.Internal.Dashboard;

/// <summary>Serves the dashboard page and its JSON twin from <see cref="ICspReportStore"/>.</summary>
internal sealed class CspReportDashboard(TimeProvider timeProvider, IOptions<SecurityCspOptions> options)
{
    private readonly int _minClients = options.Value.Reports.SuggestionMinClients;
    private readonly int _maxNewGroupsPerHour = options.Value.Reports.MaxNewGroupsPerHour;

    // The only inline content is this stylesheet; its hash, not a nonce, allows it, so the header never changes.
    private static readonly StringValues PagePolicy = new(
        $"default-src 'none'; style-src 'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(CspDashboardHtml.Stylesheet)))}'; " +
        "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");

    private static readonly StringValues JsonPolicy = new("default-src 'none'; base-uri 'none'; frame-ancestors 'none'");

    public Task HandleHtmlAsync(HttpContext context) => HandleAsync(context, html: true);

    public Task HandleJsonAsync(HttpContext context) => HandleAsync(context, html: false);

    private async Task HandleAsync(HttpContext context, bool html)
    {
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.ContentSecurityPolicy = html ? PagePolicy : JsonPolicy;

        if (CspDashboardQuery.Parse(context.Request.Query, out var error) is not { } query)
        {
            await ProblemResponse.WriteAsync(context, StatusCodes.Status400BadRequest, error);
            return;
        }

        var findings = context.RequestServices.GetService<CspPolicyProvider>()?.Findings ?? [];
        var data = await ReadAsync(context.RequestServices.GetRequiredService<ICspReportStoreReader>(), query, Advisor(context), findings, context.RequestAborted);
        if (html)
        {
            response.ContentType = "text/html; charset=utf-8";
            await response.WriteAsync(CspDashboardHtml.Render(data, PagePath(context)), context.RequestAborted);
        }
        else
        {
            response.ContentType = "application/json; charset=utf-8";
            await response.Body.WriteAsync(CspDashboardJson.Render(data), context.RequestAborted);
        }
    }

    // Groups read to build the suggested policy: the whole window, most frequent first, within reason.
    private const int SuggestionGroups = 1000;

    private CspAllowAdvisor? _advisor;

    // Built once from the app's compiled default policy (the options were validated at startup).
    private CspAllowAdvisor Advisor(HttpContext context) => _advisor ??=
        context.RequestServices.GetService<CspPolicyProvider>() is { } provider
            ? CspAllowAdvisor.For(provider)
            : new CspAllowAdvisor(null, CspModes.Enforce);

    // The store comes from the request's scope: it may be scoped (a DbContext), never resolved from the root.
    private async Task<CspDashboardData> ReadAsync(
        ICspReportStoreReader store, CspDashboardQuery query, CspAllowAdvisor advisor, IReadOnlyList<CspPolicyFinding> findings, CancellationToken cancellationToken)
    {
        // The window is whole UTC clock hours ending with the current one, so each chart bar is one full hour.
        var now = timeProvider.GetUtcNow();
        var to = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerHour), TimeSpan.Zero).AddHours(1);
        var from = to.AddHours(-query.Hours);
        var groups = await store.QueryGroupsAsync(
            new CspReportQuery
            {
                From = from,
                To = to,
                EffectiveDirective = query.Directive,
                Skip = (query.Page - 1) * CspDashboardQuery.PageSize,
                Take = CspDashboardQuery.PageSize,
            },
            cancellationToken);

        IReadOnlyList<CspReportHourlyCount>? hourly;
        try
        {
            var counts = (await store.CountByHourAsync(from, to, query.Directive, cancellationToken)).ToDictionary(c => c.Hour, c => c.Count);
            hourly = [.. Enumerable.Range(0, query.Hours).Select(i => from.AddHours(i)).Select(h => new CspReportHourlyCount(h, counts.GetValueOrDefault(h)))];
        }
        catch (NotSupportedException)
        {
            // A custom store that cannot count by hour: the page still shows the groups.
            hourly = null;
        }

        var window = groups.TotalGroups <= groups.Groups.Count && query.Directive is null && query.Page == 1
            ? groups
            : await store.QueryGroupsAsync(new CspReportQuery { From = from, To = to, Take = SuggestionGroups }, cancellationToken);
        var other = await store.QueryGroupsAsync(
            new CspReportQuery { From = from, To = to, EffectiveDirective = CspReportGroupCeiling.OtherDirective, Take = 10 }, cancellationToken);
        return new CspDashboardData(
            query, from, to, groups, hourly, [.. groups.Groups.Select(advisor.Advise)], advisor.Suggest(window.Groups, _minClients))
        {
            MinClients = _minClients,
            OverCeiling = other.Groups.Where(CspReportGroupCeiling.IsOther).Sum(g => g.Count),
            MaxNewGroupsPerHour = _maxNewGroupsPerHour,
            Findings = findings,
        };
    }

    // The page's own URL without a trailing slash, so "/json" and query strings append cleanly.
    private static string PagePath(HttpContext context) =>
        (context.Request.PathBase + context.Request.Path).ToUriComponent().TrimEnd('/');
}
