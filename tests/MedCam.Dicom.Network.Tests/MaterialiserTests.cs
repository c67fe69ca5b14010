using MedCam.Dicom.Network.Storage;
using MedCam.Dicom.Network.Storage.Journal;
using MedCam.Dicom.Network.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace MedCam.Dicom.Network.Tests;

/// <summary>
/// When the journal's final files get written: after a pause in receiving, or while receiving once the backlog is
/// three quarters full (no time limit in these tests, so only those two rules can release a file).
/// </summary>
public sealed class MaterialiserTests
{
    [Fact]
    public async Task FinalFile_WhileADatasetArrives_WaitsForThePauseThenIsWrittenWhole()
    {
        using var temp = new TempDir("medcam-materialise");
        await using var journal = OpenJournal(temp.Path);
        await using var materialiser = new Materialiser(1, 64L << 20, NullLogger.Instance, Timeout.InfiniteTimeSpan);
        var payload = Payload(300_000);
        var target = Path.Combine(temp.Path, "study", "a.dcm");

        materialiser.BeginReceive();
        Enqueue(materialiser, journal, temp.Path, target, payload);
        await Task.Delay(300);
        Assert.False(File.Exists(target), "written while a dataset was still arriving and the backlog was small");
        Assert.Equal(payload.Length, materialiser.BacklogBytes);

        materialiser.EndReceive();
        await materialiser.WhenMaterialisedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(payload, await File.ReadAllBytesAsync(target));
        Assert.Equal(0, materialiser.BacklogBytes);
    }

    [Fact]
    public async Task FinalFile_BacklogThreeQuartersFull_WrittenWhileReceiving()
    {
        using var temp = new TempDir("medcam-materialise");
        await using var journal = OpenJournal(temp.Path);
        await using var materialiser = new Materialiser(1, 1L << 20, NullLogger.Instance, Timeout.InfiniteTimeSpan);
        var payload = Payload(800_000);
        var target = Path.Combine(temp.Path, "b.dcm");

        materialiser.BeginReceive();
        Enqueue(materialiser, journal, temp.Path, target, payload);
        await materialiser.WhenMaterialisedAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(payload, await File.ReadAllBytesAsync(target));
        materialiser.EndReceive();
    }

    [Fact]
    public async Task Enqueue_BacklogFull_RefusedSoTheCallerWritesTheFileBeforeAnswering()
    {
        using var temp = new TempDir("medcam-materialise");
        await using var journal = OpenJournal(temp.Path);
        await using var materialiser = new Materialiser(1, 1L << 20, NullLogger.Instance, Timeout.InfiniteTimeSpan);
        materialiser.BeginReceive();
        Enqueue(materialiser, journal, temp.Path, Path.Combine(temp.Path, "c.dcm"), Payload(500_000));

        using var reservation = journal.TryReserve(700_000)!;
        Assert.False(materialiser.TryEnqueue(700_000, 0, Path.Combine(temp.Path, "d.part"), Path.Combine(temp.Path, "d.dcm"), reservation));
        materialiser.EndReceive();
    }

    private static StoreJournal OpenJournal(string root) =>
        StoreJournal.Open(root, new DicomFileStoreOptions { Root = root, MinimumFreeBytes = 0, JournalSegmentBytes = 4L << 20 }, NullLogger.Instance, () => long.MaxValue);

    /// <summary>Commits <paramref name="payload"/> as a journal record, then queues its final file.</summary>
    private static void Enqueue(Materialiser materialiser, StoreJournal journal, string root, string target, byte[] payload)
    {
        var reservation = journal.TryReserve(payload.Length) ?? throw new InvalidOperationException("no journal room");
        using var buffer = new RecordBuffer();
        buffer.Append(payload);
        var crc = Crc32C.Quarters(payload);
        reservation.Write(buffer.Seal(reservation.Segment.Id, Path.GetRelativePath(root, target), crc).Span);
        reservation.Commit();
        Assert.True(materialiser.TryEnqueue(payload.Length, crc, Path.Combine(root, Guid.NewGuid().ToString("N") + ".part"), target, reservation));
    }

    private static byte[] Payload(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 13 + (i >> 9))).ToArray();
}
