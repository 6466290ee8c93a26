using System.Text.Json;

namespace Security.Csp.Internal.Dashboard;

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
            for (var i = 0; i < data.Groups.Groups.Count; i++)
            {
                var group = data.Groups.Groups[i];
                json.WriteStartObject();
                json.WriteString("effectiveDirective", group.EffectiveDirective);
                json.WriteString("blockedUri", group.BlockedUri);
                json.WriteString("documentUri", group.DocumentUri);
                json.WriteNumber("count", group.Count);
                if (group.DistinctSenders is { } clients)
                {
                    json.WriteNumber("clients", clients);
                }
                else
                {
                    json.WriteNull("clients");
                }

                json.WriteString("firstSeen", group.FirstSeen);
                json.WriteString("lastSeen", group.LastSeen);
                json.WriteString("disposition", group.Disposition);
                json.WriteString("allow", data.Advice[i].Allow);
                json.WriteString("advice", data.Advice[i].Advice);
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

            json.WriteBoolean("groupCeilingReached", data.OverCeiling > 0);
            json.WriteNumber("reportsOverCeiling", data.OverCeiling);
            json.WriteNumber("suggestionMinClients", data.MinClients);
            json.WriteStartArray("policyFindings");
            foreach (var finding in data.Findings)
            {
                json.WriteStartObject();
                json.WriteString("policy", finding.Policy);
                json.WriteString("disposition", finding.Disposition);
                json.WriteString("directive", finding.Directive);
                json.WriteString("severity", CspDashboardHtml.Severity(finding.Severity));
                json.WriteString("kind", finding.Kind);
                json.WriteString("message", finding.Message);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("suggestedPolicy", data.Suggested?.ToString());
            if (data.Suggested is null)
            {
                json.WriteNull("suggestedPolicyDirectives");
            }
            else
            {
                json.WriteStartObject("suggestedPolicyDirectives");
                foreach (var (directive, sources) in data.Suggested.ToDirectives())
                {
                    json.WriteStartArray(directive);
                    foreach (var source in sources)
                    {
                        json.WriteStringValue(source);
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
