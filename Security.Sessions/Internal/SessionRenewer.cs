using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Security.Sessions.Internal;

/// <summary>
/// Starts a request over on an empty session. ASP.NET Core's session has no "new id" call, so when
/// the browser already held the session's key (it may have been planted, or be another user's), the
/// old session is emptied and the request moves to a new session under a fresh key, with its cookie
/// written as the session middleware writes its own (<see cref="SessionCookieFormat"/>). The session middleware commits whatever session
/// the feature holds at the end of the request, so the new one is what gets stored.
/// </summary>
internal sealed partial class SessionRenewer
{
    private static readonly object RenewedItem = new();

    private readonly ISessionStore _store;
    private readonly SessionOptions _options;
    private readonly SessionCookieFormat _format;
    private readonly ILogger _logger;

    public SessionRenewer(IServiceProvider services, IOptions<SessionOptions> options, IDataProtectionProvider dataProtection, ILogger<SessionRenewer> logger)
    {
        _store = services.GetService<ISessionStore>()
            ?? throw new InvalidOperationException(
                "UseSessionExpiry needs ASP.NET Core session: call services.AddSession() and app.UseSession() before app.UseSessionExpiry().");
        _options = options.Value;
        _format = new SessionCookieFormat(dataProtection);
        _logger = logger;
    }

    /// <summary>
    /// Clears <paramref name="session"/> and, when the client held its key before this request, moves
    /// the request to a new, empty session under a fresh key. Returns the session the request now uses.
    /// </summary>
    public async Task<ISession> StartOverAsync(HttpContext context, ISession session)
    {
        session.Clear();

        // A key the session middleware made up in this request (no valid cookie came in), or one issued
        // here already, is known to nobody else: clearing is enough, and a second cookie would compete with it.
        if (context.Items.ContainsKey(RenewedItem) || !ClientHeldKey(context.Request))
        {
            return session;
        }

        if (context.Response.HasStarted || context.Features.Get<ISessionFeature>() is not { } feature)
        {
            Log.KeyNotRenewed(_logger);
            return session;
        }

        try
        {
            // Stores the emptied session under the old key, so the old cookie reads nothing.
            await session.CommitAsync(context.RequestAborted);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            Log.OldSessionNotEmptied(_logger, ex);
        }

        var key = SessionCookieFormat.NewKey();
        var renewed = _store.Create(key, _options.IdleTimeout, _options.IOTimeout, static () => true, isNewSessionKey: true);
        feature.Session = renewed;
        context.Items[RenewedItem] = true;

        var response = context.Response;
        response.Cookies.Append(_options.Cookie.Name!, _format.Protect(key), _options.Cookie.Build(context));
        SessionCookieFormat.MarkUncacheable(response);
        return renewed;
    }

    // Whether the request carried a session cookie the session middleware accepted (its key was not made up in this request).
    private bool ClientHeldKey(HttpRequest request) => _format.Unprotect(request.Cookies[_options.Cookie.Name!]) is not null;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4004, EventName = "SessionKeyNotRenewed", Level = LogLevel.Warning,
            Message = "The session was cleared but its key could not be renewed: the response has already started.")]
        public static partial void KeyNotRenewed(ILogger logger);

        [LoggerMessage(EventId = 4005, EventName = "OldSessionNotEmptied", Level = LogLevel.Warning,
            Message = "The session left behind could not be stored empty; its old key was replaced all the same.")]
        public static partial void OldSessionNotEmptied(ILogger logger, Exception exception);
    }
}
