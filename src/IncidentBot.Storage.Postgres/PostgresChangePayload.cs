using System.Globalization;
using System.Numerics;
using System.Text;

namespace IncidentBot.Storage.Postgres;

/// <summary>
/// How changes travel in a <c>NOTIFY</c> payload: plain ASCII, kinds and numbers only, never text anybody wrote.
/// <c>1 &lt;replica&gt; i12 r12.345 s</c>: the format version, the sending replica (32 hex digits), then changes: an
/// incident (<c>i</c> + number), a room message (<c>r</c> + incident number + <c>.</c> + message id), a resync (<c>s</c>).
/// A payload that is not exactly this shape is refused whole.
/// </summary>
internal static class PostgresChangePayload
{
    public const string Version = "1";

    /// <summary>At most this many bytes per payload: PostgreSQL refuses payloads of 8000 bytes or more.</summary>
    public const int MaxBytes = 7_900;

    /// <summary>Splits <paramref name="changes"/> into as few payloads as fit, in their order.</summary>
    public static IReadOnlyList<string> Encode(string origin, IEnumerable<Change> changes)
    {
        var payloads = new List<string>();
        var current = new StringBuilder();
        foreach (var change in changes)
        {
            var token = Token(change);
            if (current.Length > 0 && current.Length + 1 + token.Length > MaxBytes)
            {
                payloads.Add(current.ToString());
                current.Clear();
            }
            if (current.Length == 0)
            {
                current.Append(Version).Append(' ').Append(origin);
            }
            current.Append(' ').Append(token);
        }
        if (current.Length > 0)
        {
            payloads.Add(current.ToString());
        }
        return payloads;
    }

    /// <summary>Reads a payload; false, with what is wrong with it, for anything not written by <see cref="Encode"/>.</summary>
    public static bool TryDecode(string? payload, out string origin, out List<Change> changes, out string problem)
    {
        origin = "";
        changes = [];
        if (string.IsNullOrEmpty(payload))
        {
            problem = "the payload is empty";
            return false;
        }
        if (payload.Length > MaxBytes)
        {
            problem = $"the payload is {payload.Length} characters long, more than {MaxBytes}";
            return false;
        }
        var parts = payload.Split(' ');
        if (parts[0] != Version)
        {
            problem = $"the payload does not start with format version {Version}";
            return false;
        }
        if (parts.Length < 3 || !IsOrigin(parts[1]))
        {
            problem = "the payload names no sending replica and change";
            return false;
        }
        for (var i = 2; i < parts.Length; i++)
        {
            if (!TryChange(parts[i], out var change))
            {
                problem = $"change {i - 1} of the payload is not a kind and numbers";
                changes.Clear();
                return false;
            }
            changes.Add(change);
        }
        origin = parts[1];
        problem = "";
        return true;
    }

    /// <summary>A new replica's name: 32 lowercase hex digits.</summary>
    public static string NewOrigin() => Guid.NewGuid().ToString("N");

    private static string Token(Change change) => change.Kind switch
    {
        ChangeKind.Incident => string.Create(CultureInfo.InvariantCulture, $"i{change.IncidentNumber}"),
        ChangeKind.RoomMessage => string.Create(CultureInfo.InvariantCulture, $"r{change.IncidentNumber}.{change.MessageId}"),
        ChangeKind.Resync => "s",
        _ => throw new ArgumentOutOfRangeException(nameof(change), change.Kind, "Not a change kind the feed carries."),
    };

    private static bool TryChange(string token, out Change change)
    {
        change = default;
        if (token == "s")
        {
            change = Change.Resync;
            return true;
        }
        if (token.Length < 2)
        {
            return false;
        }
        var numbers = token.AsSpan(1);
        if (token[0] == 'i' && TryNumber(numbers, out int incident))
        {
            change = Change.IncidentChanged(incident);
        }
        else if (token[0] == 'r' && numbers.IndexOf('.') is var dot and > 0
            && TryNumber(numbers[..dot], out int room) && TryNumber(numbers[(dot + 1)..], out long message))
        {
            change = Change.RoomMessageAdded(room, message);
        }
        return change.IsValid;
    }

    // Digits only: no sign, no spaces, no leading zeros, no other numerals.
    private static bool TryNumber<T>(ReadOnlySpan<char> digits, out T value) where T : struct, IBinaryInteger<T>
    {
        value = T.Zero;
        if (digits.Length == 0 || digits[0] == '0' || digits.ContainsAnyExceptInRange('0', '9')
            || !T.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }
        value = parsed;
        return true;
    }

    private static bool IsOrigin(string text) =>
        text.Length == 32 && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
