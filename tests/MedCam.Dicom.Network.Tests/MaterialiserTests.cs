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
        await using var rig = new Rig(backlogLimit: 64L << 20);
        var payload = Payload(300_000);
        var target = rig.PathOf("study", "a.dcm");

        rig.Materialiser.BeginReceive();
        rig.Enqueue(target, payload);
        await Task.Delay(300);
        Assert.False(File.Exists(target), "written while a dataset was still arriving and the backlog was small");
        Assert.Equal(payload.Length, rig.Materialiser.BacklogBytes);

        rig.Materialiser.EndReceive();
        await rig.Materialiser.WhenMaterialisedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(payload, await File.ReadAllBytesAsync(target));
        Assert.Equal(0, rig.Materialiser.BacklogBytes);
    }

    [Fact]
    public async Task FinalFile_BacklogThreeQuartersFull_WrittenWhileReceiving()
    {
        await using var rig = new Rig(backlogLimit: 1L << 20);
        var payload = Payload(800_000);
        var target = rig.PathOf("b.dcm");

        rig.Materialiser.BeginReceive();
        rig.Enqueue(target, payload);
        await rig.Materialiser.WhenMaterialisedAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(payload, await File.ReadAllBytesAsync(target));
        rig.Materialiser.EndReceive();
    }

    [Fact]
    public async Task Enqueue_BacklogFull_RefusedSoTheCallerWritesTheFileBeforeAnswering()
    {
        await using var rig = new Rig(backlogLimit: 1L << 20);
        rig.Materialiser.BeginReceive();
        rig.Enqueue(rig.PathOf("c.dcm"), Payload(500_000));

        using var reservation = rig.Journal.TryReserve(700_000)!;
        Assert.False(rig.Materialiser.TryEnqueue(700_000, 0, rig.PathOf("d.part"), rig.PathOf("d.dcm"), reservation));
        rig.Materialiser.EndReceive();
    }

    private static byte[] Payload(int length) => Enumerable.Range(0, length).Select(i => (byte)(i * 13 + (i >> 9))).ToArray();

    /// <summary>A journal in a temp folder and a one-lane materialiser that never gives up waiting for a pause.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly TempDir temp = new("medcam-materialise");

        public Rig(long backlogLimit)
        {
            Journal = StoreJournal.Open(
                temp.Path, new DicomFileStoreOptions { Root = temp.Path, MinimumFreeBytes = 0, JournalSegmentBytes = 4L << 20 }, NullLogger.Instance, () => long.MaxValue);
            Materialiser = new Materialiser(1, backlogLimit, NullLogger.Instance, Timeout.InfiniteTimeSpan);
        }

        public StoreJournal Journal { get; }

        public Materialiser Materialiser { get; }

        public string PathOf(params string[] parts) => Path.Combine([temp.Path, .. parts]);

        /// <summary>Commits <paramref name="payload"/> as a journal record, then queues its final file.</summary>
        public void Enqueue(string target, byte[] payload)
        {
            var reservation = Journal.TryReserve(payload.Length) ?? throw new InvalidOperationException("no journal room");
            using var buffer = new RecordBuffer();
            buffer.Append(payload);
            var crc = Crc32C.Quarters(payload);
            reservation.Write(buffer.Seal(reservation.Segment.Id, Path.GetRelativePath(temp.Path, target), crc).Span);
            reservation.Commit();
            Assert.True(Materialiser.TryEnqueue(payload.Length, crc, PathOf(Guid.NewGuid().ToString("N") + ".part"), target, reservation));
        }

        public async ValueTask DisposeAsync()
        {
            await Materialiser.DisposeAsync();
            await Journal.DisposeAsync();
            temp.Dispose();
        }
    }
}
