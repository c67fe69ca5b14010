using System.Collections.Concurrent;

namespace MedCam.Dicom.Network.Storage.Journal;

/// <summary>
/// The size the next instance of a SOP class is expected to have, for reserving its journal record before it
/// arrives: the last one received, plus a quarter and 64 KiB for the variation of compressed images. Series are
/// sent one SOP class at a time with similar sizes, so the guess is nearly always right; a wrong guess costs
/// only the streaming (see <see cref="StreamingRecord"/>). Bounded: SOP class UIDs come from the network.
/// </summary>
internal sealed class RecordSizeHints
{
    private const int MaxClasses = 256;
    private readonly ConcurrentDictionary<string, long> last = new(StringComparer.Ordinal);

    /// <summary>Expected payload bytes, or 0 when nothing is known yet (the first instance is written whole).</summary>
    public long Expected(string sopClassUid) =>
        last.TryGetValue(sopClassUid, out var bytes) ? bytes + (bytes / 16) + (8 * 1024) : 0;

    public void Observe(string sopClassUid, long payloadBytes)
    {
        if (last.Count < MaxClasses || last.ContainsKey(sopClassUid))
        {
            last[sopClassUid] = payloadBytes;
        }
    }
}
