using System.Text.Json;

namespace Security.Csp.Dashboard;

/// <summary>Writes the dashboard's data as JSON (by hand: no reflection, trimming-safe).</summary>
internal static class CspDashboardJson
{
    public static ReadOnlyMemory<byte> Render(CspDashboardData data)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("from", data.From);
            json.WriteString("to", data.To);
            json.WriteNumber("hours", data.Query.Hours);
            json.WriteString("directive", data.Query.Directive);
            json.WriteNumber("page", data.Query.Page);
            json.WriteNumber("pageSize", CspDashboardQuery.PageSize);
            json.WriteNumber("totalGroups", data.Groups.TotalGroups);
            json.WriteStartArray("groups");
            foreach (var group in data.Groups.Groups)
            {
                json.WriteStartObject();
                json.WriteString("effectiveDirective", group.EffectiveDirective);
                json.WriteString("blockedUri", group.BlockedUri);
                json.WriteString("documentUri", group.DocumentUri);
                json.WriteNumber("count", group.Count);
                json.WriteString("firstSeen", group.FirstSeen);
                json.WriteString("lastSeen", group.LastSeen);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (data.Hourly is null)
            {
                json.WriteNull("hourly");
            }
            else
            {
                json.WriteStartArray("hourly");
                foreach (var hour in data.Hourly)
                {
                    json.WriteStartObject();
                    json.WriteString("hour", hour.Hour);
                    json.WriteNumber("count", hour.Count);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
