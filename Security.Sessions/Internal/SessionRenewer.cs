using System.Security.Cryptography;
using System.Text;
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
/// written as the session middleware writes its own. The session middleware commits whatever session
/// the feature holds at the end of the request, so the new one is what gets stored.
/// </summary>
internal sealed partial class SessionRenewer
{
    // The session middleware's own protector purpose and key format (a GUID string): a cookie written
    // here must read back there.
    private const string ProtectorPurpose = "SessionMiddleware";
    private const int SessionKeyLength = 36;

    private static readonly object RenewedItem = new();

    private readonly ISessionStore _store;
    private readonly SessionOptions _options;
    private readonly IDataProtector _protector;
    private readonly ILogger _logger;

    public SessionRenewer(IServiceProvider services, IOptions<SessionOptions> options, IDataProtectionProvider dataProtection, ILogger<SessionRenewer> logger)
    {
        _store = services.GetService<ISessionStore>()
            ?? throw new InvalidOperationException(
                "UseSessionExpiry needs ASP.NET Core session: call services.AddSession() and app.UseSession() before app.UseSessionExpiry().");
        _options = options.Value;
        _protector = dataProtection.CreateProtector(ProtectorPurpose);
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

        var key = NewKey();
        var renewed = _store.Create(key, _options.IdleTimeout, _options.IOTimeout, static () => true, isNewSessionKey: true);
        feature.Session = renewed;
        context.Items[RenewedItem] = true;

        var response = context.Response;
        response.Cookies.Append(_options.Cookie.Name!, Protect(key), _options.Cookie.Build(context));
        // As the session middleware does for a new session cookie: no cache may keep a response that sets one.
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers.Pragma = "no-cache";
        response.Headers.Expires = "-1";
        return renewed;
    }

    private static string NewKey()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return new Guid(bytes).ToString();
    }

    private string Protect(string key) => Convert.ToBase64String(_protector.Protect(Encoding.UTF8.GetBytes(key))).TrimEnd('=');

    // Whether the request carried a session cookie the session middleware accepted (its key was not made up in this request).
    private bool ClientHeldKey(HttpRequest request)
    {
        var value = request.Cookies[_options.Cookie.Name!];
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var padded = value.PadRight(value.Length + ((4 - (value.Length % 4)) % 4), '=');
        var bytes = new byte[padded.Length * 3 / 4];
        if (!Convert.TryFromBase64String(padded, bytes, out var written))
        {
            return false;
        }

        try
        {
            return Encoding.UTF8.GetString(_protector.Unprotect(bytes.AsSpan(0, written).ToArray())).Length == SessionKeyLength;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

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
