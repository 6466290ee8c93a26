using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Security.Profiling.Internal;

/// <summary>The <c>Activities</c> section of a profile: each activity under its parent, children in start order.</summary>
internal static class ActivityTreeFormatter
{
    public static void Append(StringBuilder text, IReadOnlyList<ActivityProfile> activities)
    {
        var ids = new HashSet<ActivitySpanId>();
        foreach (var activity in activities)
        {
            ids.Add(activity.SpanId);
        }

        var children = new Dictionary<ActivitySpanId, List<ActivityProfile>>();
        var roots = new List<ActivityProfile>();
        foreach (var activity in activities)
        {
            var parent = activity.ParentSpanId;
            if (parent != default && ids.Contains(parent))
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(activity);
            }
            else
            {
                roots.Add(activity);
            }
        }

        roots.Sort(static (a, b) => a.StartUtc.CompareTo(b.StartUtc));
        foreach (var list in children.Values)
        {
            list.Sort(static (a, b) => a.StartUtc.CompareTo(b.StartUtc));
        }

        foreach (var root in roots)
        {
            AppendNode(text, root, children, depth: 1);
        }
    }

    private static void AppendNode(StringBuilder text, ActivityProfile node, Dictionary<ActivitySpanId, List<ActivityProfile>> children, int depth)
    {
        text.Append('\n').Append(' ', depth * 2)
            .Append(CultureInfo.InvariantCulture, $"{ProfileFormatter.Printable(node.DisplayName)} [{ProfileFormatter.Printable(node.SourceName)}] {ProfileFormatter.Milliseconds(node.Duration):0.0} ms");
        if (node.Detail is not null)
        {
            text.Append(" (").Append(ProfileFormatter.Printable(node.Detail)).Append(')');
        }

        if (node.Failed)
        {
            text.Append(" FAILED");
        }

        // Depth is bounded by the activities kept (MaxEntriesPerProfile); spans cannot form a cycle.
        if (children.TryGetValue(node.SpanId, out var list))
        {
            foreach (var child in list)
            {
                AppendNode(text, child, children, depth + 1);
            }
        }
    }
}
