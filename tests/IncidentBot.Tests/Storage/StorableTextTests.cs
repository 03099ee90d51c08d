using System.Text;
using IncidentBot.Storage;

namespace IncidentBot.Tests.Storage;

/// <summary>Text every store keeps exactly: U+0000 and unpaired surrogates become U+FFFD, and nothing else changes.</summary>
public sealed class StorableTextTests
{
    private static readonly char[] Pool = ['a', ' ', '\0', '\u00e9', '\u6c34', '\ud83d', '\udd25', '\ud800', '\udfff', '\ufffd', '\n'];

    [Fact]
    public void CleaningMakesAnyTextStorableAndChangesOnlyWhatNoStoreCanKeep()
    {
        var random = new Random(20_261_205);
        for (var round = 0; round < 5_000; round++)
        {
            var text = new string(Enumerable.Range(0, random.Next(0, 12)).Select(_ => Pool[random.Next(Pool.Length)]).ToArray());

            var clean = StorableText.Clean(text);

            Assert.True(StorableText.IsStorable(clean), Escaped(text));
            Assert.Equal(text.Length, clean.Length);
            // What UTF-8 can carry (everything but NUL) is kept; what it cannot is U+FFFD, as an encoder would make it.
            Assert.Equal(new UTF8Encoding(false).GetString(new UTF8Encoding(false).GetBytes(text.Replace('\0', '\ufffd'))), clean);
            Assert.Equal(StorableText.IsStorable(text), clean == text);
        }
    }

    private static string Escaped(string text) => string.Concat(text.Select(c => $"\\u{(int)c:x4}"));
}
