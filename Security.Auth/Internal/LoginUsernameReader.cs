using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Security.Auth.Internal;

/// <summary>
/// Reads the one user name the app itself will read from a login attempt: the field from the form, a JSON body,
/// the route or the query string, as model binding finds it. An attempt that names two users (the field twice, or
/// different values in two places) is refused: the app would act on one of them and the counter could be kept on
/// the other.
/// </summary>
internal sealed class LoginUsernameReader(IOptions<LoginThrottlingOptions> options)
{
    private readonly LoginThrottlingOptions _options = options.Value;

    public async ValueTask<UsernameRead> ReadAsync(HttpContext context)
    {
        string? value;
        if (_options.UsernameReader is { } custom)
        {
            value = await custom(context);
        }
        else
        {
            var request = context.Request;
            var field = _options.UsernameField;
            var found = new Found();
            if (request.HasFormContentType)
            {
                IFormCollection form;
                try
                {
                    form = await request.ReadFormAsync(context.RequestAborted);
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException or BadHttpRequestException)
                {
                    return UsernameRead.Refuse(StatusCodes.Status400BadRequest, "unreadable form");
                }

                found.Take(form[field]);
            }
            else if (IsJson(request))
            {
                var json = await ReadJsonAsync(request, field);
                if (json.Status is not null)
                {
                    return json;
                }

                found.Take(json.Username);
                found.Count += json.Count > 1 ? json.Count - 1 : 0;
            }

            if (request.RouteValues.TryGetValue(field, out var routeValue) && routeValue is string route)
            {
                found.Take(route);
            }

            found.Take(request.Query[field]);
            if (found.Ambiguous)
            {
                return UsernameRead.Refuse(StatusCodes.Status400BadRequest, "user name given more than once");
            }

            value = found.Value;
        }

        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return default;
        }

        return trimmed.Length > _options.MaxUsernameLength
            ? UsernameRead.Refuse(StatusCodes.Status400BadRequest, "user name too long")
            : new UsernameRead(null, trimmed, 1, null);
    }

    private static bool IsJson(HttpRequest request) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var type) &&
        (type.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
         type.MediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private async ValueTask<UsernameRead> ReadJsonAsync(HttpRequest request, string field)
    {
        var max = _options.MaxJsonBodySize;
        if (request.ContentLength > max)
        {
            return UsernameRead.Refuse(StatusCodes.Status413PayloadTooLarge, "JSON body too large");
        }

        // Buffered so the app reads the same body after us.
        request.EnableBuffering();
        var buffer = ArrayPool<byte>.Shared.Rent(max + 1);
        try
        {
            var length = 0;
            int read;
            while (length <= max && (read = await request.Body.ReadAsync(buffer.AsMemory(length, max + 1 - length), request.HttpContext.RequestAborted)) > 0)
            {
                length += read;
            }

            if (length > max)
            {
                return UsernameRead.Refuse(StatusCodes.Status413PayloadTooLarge, "JSON body too large");
            }

            request.Body.Position = 0;
            return ParseJson(buffer.AsSpan(0, length), field);
        }
        catch (Exception ex) when (ex is IOException or BadHttpRequestException)
        {
            return UsernameRead.Refuse(StatusCodes.Status400BadRequest, "unreadable body");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The top-level property named like the field, ignoring case as the web's JSON binding does. The whole body
    // must be valid JSON: what the app cannot parse, it cannot sign in with either.
    private static UsernameRead ParseJson(ReadOnlySpan<byte> json, string field)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read())
            {
                return default;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                return reader.Read() ? UsernameRead.Refuse(StatusCodes.Status400BadRequest, "invalid JSON") : default;
            }

            string? value = null;
            var count = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var matches = reader.ValueTextEquals(field) || string.Equals(reader.GetString(), field, StringComparison.OrdinalIgnoreCase);
                reader.Read();
                if (!matches)
                {
                    reader.Skip();
                    continue;
                }

                count++;
                switch (reader.TokenType)
                {
                    case JsonTokenType.String:
                        value = reader.GetString();
                        break;
                    case JsonTokenType.Null:
                        break;
                    default:
                        return UsernameRead.Refuse(StatusCodes.Status400BadRequest, "user name is not a string");
                }
            }

            if (reader.Read())
            {
                return UsernameRead.Refuse(StatusCodes.Status400BadRequest, "invalid JSON");
            }

            return new UsernameRead(null, value, count, null);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return UsernameRead.Refuse(StatusCodes.Status400BadRequest, "invalid JSON");
        }
    }

    private sealed class Found
    {
        public string? Value { get; private set; }

        public int Count { get; set; }

        public bool Ambiguous => Count > 1;

        public void Take(Microsoft.Extensions.Primitives.StringValues values)
        {
            foreach (var value in values)
            {
                Take(value);
            }
        }

        public void Take(string? value)
        {
            if (value is null)
            {
                return;
            }

            // The same value in two places (a form that also echoes it in the query) names one user.
            if (Count > 0 && string.Equals(Value, value, StringComparison.Ordinal))
            {
                return;
            }

            Value ??= value;
            Count++;
        }
    }
}

/// <summary>What a login attempt names: a user name, none, or a refusal (status and reason).</summary>
internal readonly record struct UsernameRead(int? Status, string? Username, int Count, string? Reason)
{
    public static UsernameRead Refuse(int status, string reason) => new(status, null, 0, reason);
}
