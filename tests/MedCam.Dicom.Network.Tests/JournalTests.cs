using System.Buffers.Binary;
using System.Net;
using System.Text;
using MedCam.Dicom.Network.Client;
using MedCam.Dicom.Network.Dimse;
using MedCam.Dicom.Network.Server;
using MedCam.Dicom.Network.Storage;
using MedCam.Dicom.Network.Storage.Journal;
using MedCam.Dicom.Network.Tests.Infrastructure;

namespace MedCam.Dicom.Network.Tests;

/// <summary>The write-ahead journal of the storage SCP: record format, replay after lost writes, watermark.</summary>
public sealed class JournalTests
{
    [Fact]
    public void Crc32C_StandardCheckValue_Matches()
    {
        // RFC 3720 B.4 / the CRC catalogue's check value for "123456789".
        Assert.Equal(0xE3069283u, Crc32C.Append(0, "123456789"u8));
        var long1 = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        Assert.Equal(Crc32C.Append(0, long1), Crc32C.Append(Crc32C.Append(0, long1.AsSpan(0, 13)), long1.AsSpan(13)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(33)]
    [InlineData(1000)]
    [InlineData(524_713)]
    public void Crc32CQuarters_AnyLength_EqualsFoldOfScalarQuarterCrcs(int length)
    {
        var data = Enumerable.Range(0, length).Select(i => (byte)((i * 31) ^ (i >> 7))).ToArray();
        var quarter = length / 4 & ~7;
        var lanes = new byte[20];
        for (var lane = 0; lane < 4; lane++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(lanes.AsSpan(4 * lane), Crc32C.Append(0, data.AsSpan(lane * quarter, quarter)));
        }

        BinaryPrimitives.WriteUInt32LittleEndian(lanes.AsSpan(16), Crc32C.Append(0, data.AsSpan(4 * quarter)));

        Assert.Equal(Crc32C.Append(0, lanes), Crc32C.Quarters(data));
        if (length > 0)
        {
            data[length / 2] ^= 0x10;
            Assert.NotEqual(Crc32C.Append(0, lanes), Crc32C.Quarters(data));
        }
    }

    [Fact]
    public void RecordHeader_OtherSegmentOrTamperedPath_Rejected()
    {
        var record = new byte[JournalFormat.RecordHeaderBytes];
        JournalFormat.WriteRecordHeader(record, 42, "1.2.3/4.5.6.dcm", 1234, 0xCAFEBABE);

        Assert.True(JournalFormat.TryReadRecordHeader(record, 42, out var path, out var length, out var crc));
        Assert.Equal(("1.2.3/4.5.6.dcm", 1234L, 0xCAFEBABEu), (path, length, crc));
        Assert.False(JournalFormat.TryReadRecordHeader(record, 43, out _, out _, out _));
        record[33] ^= 1;
        Assert.False(JournalFormat.TryReadRecordHeader(record, 42, out _, out _, out _));
    }

    [Fact]
    public async Task Replay_MaterialisedFilesLostBeforeCheckpoint_RestoresEveryAcknowledgedInstanceByteIdentical()
    {
        var files = (await CtCorpus.UncompressedAsync(120)).Take(12).ToArray();
        using var temp = new TempDir("medcam-journal");
        var root = temp.Sub("store");

        // No checkpoint during the test: every acknowledged instance is durable only through the journal.
        var (acknowledged, _) = await ReceiveWithoutCleanStopAsync(root, files);
        Assert.All(acknowledged, r => Assert.Equal(DimseStatus.Success, r.Status));

        await AssertJournalRestoresLostFilesAsync(root, files);
        await using var again = new DicomFileStore(new DicomFileStoreOptions { Root = root, MinimumFreeBytes = 0, JournalSegmentBytes = 4L << 20 });
        Assert.Equal(0, again.ReplayedInstances);
    }

    [Fact]
    public async Task Replay_TornRecord_SkipsItAndRestoresTheRecordsAfterIt()
    {
        var files = (await CtCorpus.UncompressedAsync(120)).Take(6).ToArray();
        using var temp = new TempDir("medcam-journal");
        var root = temp.Sub("store");
        await ReceiveWithoutCleanStopAsync(root, files);
        foreach (var file in Received(root))
        {
            File.Delete(file);
        }

        // Damage one byte of the third record's payload, as a write torn by a crash would.
        var segment = Directory.GetFiles(Path.Combine(root, ".journal"), "*.mcj").Order(StringComparer.Ordinal).First();
        var bytes = await File.ReadAllBytesAsync(segment);
        var starts = Enumerable.Range(1, (bytes.Length / JournalFormat.Block) - 1)
            .Select(b => b * JournalFormat.Block)
            .Where(o => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(o)) == 0x524A434D)
            .ToArray();
        Assert.Equal(files.Length, starts.Length);
        var torn = Encoding.UTF8.GetString(bytes, starts[2] + 32, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(starts[2] + 6)));
        bytes[starts[2] + JournalFormat.RecordHeaderBytes + 1000] ^= 0xFF;
        await File.WriteAllBytesAsync(segment, bytes);

        await using (var recovered = new DicomFileStore(new DicomFileStoreOptions { Root = root, MinimumFreeBytes = 0, JournalSegmentBytes = 4L << 20 }))
        {
            Assert.Equal(files.Length - 1, recovered.ReplayedInstances);
        }

        var received = Received(root);
        Assert.DoesNotContain(received, p => p.EndsWith(torn, StringComparison.Ordinal));
        DicomBytes.AssertAllArrivedIdentical(files.Where(f => !torn.EndsWith(DicomBytes.Meta(f).SopInstanceUid + ".dcm", StringComparison.Ordinal)), received);
    }

    [Fact]
    public async Task Store_SeriesOfLargeInstances_SendsRecordsAheadAndReplaysThemByteIdentical()
    {
        // 512x512 CT slices (512 KiB): from the second one on, the size is known in advance and blocks go to the
        // journal while the dataset is still arriving (forced: on loopback the link outruns the disk, see below).
        var files = await CtCorpus.UncompressedAsync(6, size: 512, studies: 1);
        using var temp = new TempDir("medcam-journal");
        var root = temp.Sub("store");

        var (acknowledged, store) = await ReceiveWithoutCleanStopAsync(root, files, sendAhead: true);

        Assert.All(acknowledged, r => Assert.Equal(DimseStatus.Success, r.Status));
        Assert.Equal((files.Length - 1, 0), (store.RecordsSentAhead, store.RecordsOutgrown));
        DicomBytes.AssertAllArrivedIdentical(files, Received(root));
        await AssertJournalRestoresLostFilesAsync(root, files);
    }

    [Theory]
    [InlineData(0, 0, true)] // nothing measured yet
    [InlineData(125e6, 1.2e9, true)] // 1 Gbit/s link, NVMe-class journal
    [InlineData(4e9, 1.2e9, false)] // loopback
    public void SendAhead_OnlyWhileTheLinkIsSlowerThanTheJournal(double arrivalBytesPerSecond, double journalBytesPerSecond, bool expected)
    {
        var hints = new RecordSizeHints();
        const long bytes = 512 * 1024;
        for (var i = 0; i < 10; i++)
        {
            hints.ObserveSpeeds(bytes, arrivalBytesPerSecond > 0 ? bytes / arrivalBytesPerSecond : 0, journalBytesPerSecond);
        }

        Assert.Equal(expected, hints.SendAhead);
    }

    [Fact]
    public async Task Store_InstanceOutgrowsTheRoomReservedForIt_WrittenWholeAndReplayedByteIdentical()
    {
        // Same SOP class, sizes 128 KiB, 128 KiB, 1.1 MiB, 1.1 MiB, 128 KiB: the first large one outgrows the room
        // reserved from its predecessor's size, the second is sent ahead, the small one after it fits.
        var small = await CtCorpus.UncompressedAsync(3, size: 256, studies: 1);
        var large = await CtCorpus.UncompressedAsync(2, size: 768, studies: 1);
        string[] files = [small[0], small[1], large[0], large[1], small[2]];
        using var temp = new TempDir("medcam-journal");
        var root = temp.Sub("store");

        var (acknowledged, store) = await ReceiveWithoutCleanStopAsync(root, files, segmentBytes: 16L << 20, sendAhead: true);

        Assert.All(acknowledged, r => Assert.Equal(DimseStatus.Success, r.Status));
        Assert.Equal(1, store.RecordsOutgrown);
        Assert.True(store.RecordsSentAhead >= 1, $"{store.RecordsSentAhead} records sent ahead");
        await AssertJournalRestoresLostFilesAsync(root, files);
    }

    [Fact]
    public async Task Store_FinalPathBlocked_AcknowledgedInstanceStaysInJournalAndIsRestoredAtNextStart()
    {
        var file = (await CtCorpus.UncompressedAsync(120)).First();
        using var temp = new TempDir("medcam-journal");
        var root = temp.Sub("store");
        var target = Path.Combine(root, DicomBytes.Meta(file).SopInstanceUid + ".dcm");
        Directory.CreateDirectory(Path.Combine(target, "in-the-way"));

        await using (var scp = await ScpHarness.StartAsync(store: o => o with { Root = root, FolderPerStudy = false }))
        {
            // Durable in the journal, so the sender hears success although the final file cannot be written.
            Assert.All(await Client(scp.Port).StoreFilesAsync([file]), r => Assert.Equal(DimseStatus.Success, r.Status));
            await scp.Store.WhenMaterialisedAsync();
            Assert.True(Directory.Exists(target));
            Assert.Contains("restored at the next start", scp.Logs.All, StringComparison.Ordinal);
        }

        // The clean stop did not retire the record's segment; the next start writes the file once the way is clear.
        Directory.Delete(target, recursive: true);
        await using (var reopened = new DicomFileStore(new DicomFileStoreOptions { Root = root, FolderPerStudy = false, MinimumFreeBytes = 0, JournalSegmentBytes = 4L << 20 }))
        {
            Assert.Equal(1, reopened.ReplayedInstances);
        }

        DicomBytes.AssertAllArrivedIdentical([file], Received(root));
    }

    [Fact]
    public async Task Store_CleanStop_RetiresJournalSoNothingReplays()
    {
        var files = (await CtCorpus.UncompressedAsync(120)).Take(5).ToArray();
        using var temp = new TempDir("medcam-journal");
        var root = temp.Sub("store");
        await using (var scp = await ScpHarness.StartAsync(store: o => o with { Root = root, JournalCheckpointInterval = TimeSpan.FromHours(1) }))
        {
            Assert.Equal(StoreDurability.Journal, scp.Store.Durability);
            Assert.All(await Client(scp.Port).StoreFilesAsync(files), r => Assert.Equal(DimseStatus.Success, r.Status));
            await scp.Server.StopAsync(CancellationToken.None);
            await scp.Store.DisposeAsync();
            await using var reopened = new DicomFileStore(new DicomFileStoreOptions { Root = root, MinimumFreeBytes = 0, JournalSegmentBytes = 4L << 20 });
            Assert.Equal(0, reopened.ReplayedInstances);
            DicomBytes.AssertAllArrivedIdentical(files, Received(root));
        }
    }

    [Theory]
    [InlineData(1024, 4)] // every instance is beyond the record limit: streamed with per-file fsync instead
    [InlineData(16L << 20, 1)] // 1 MiB segments, at most 2: rotation, checkpoints under pressure, pool-full fallback
    public async Task Store_RecordLimitOrSegmentRotation_EveryInstanceByteIdentical(long maxRecordBytes, int segmentMiB)
    {
        var files = await CtCorpus.UncompressedAsync(120);
        using var temp = new TempDir("medcam-journal");
        var root = temp.Sub("store");
        await using (var scp = await ScpHarness.StartAsync(store: o => o with
        {
            Root = root,
            JournalMaxRecordBytes = maxRecordBytes,
            JournalSegmentBytes = segmentMiB << 20,
            JournalInitialSegments = 1,
            JournalMaxSegments = 2,
        }))
        {
            Assert.All(await Client(scp.Port).StoreFilesAsync(files), r => Assert.Equal(DimseStatus.Success, r.Status));
        }

        DicomBytes.AssertAllArrivedIdentical(files, Received(root));
        await using var reopened = new DicomFileStore(new DicomFileStoreOptions { Root = root, MinimumFreeBytes = 0, JournalSegmentBytes = 4L << 20 });
        Assert.Equal(0, reopened.ReplayedInstances);
    }

    [Fact]
    public async Task Store_JournalSegmentWouldCrossWatermark_AnswersOutOfResources()
    {
        var files = (await CtCorpus.UncompressedAsync(120)).Take(2).ToArray();
        using var temp = new TempDir("medcam-journal");
        var free = new DriveInfo(temp.Path).AvailableFreeSpace;

        // Instances alone would fit above the watermark, the journal's next 2 GiB segment would not.
        await using var scp = await ScpHarness.StartAsync(store: o => o with
        {
            MinimumFreeBytes = free - (1L << 30),
            JournalSegmentBytes = 2L << 30,
        });

        var results = await Client(scp.Port).StoreFilesAsync(files);

        Assert.All(results, r => Assert.Equal(DimseStatus.OutOfResources, r.Status));
        Assert.Empty(scp.ReceivedFiles());
        Assert.Empty(Directory.GetFiles(Path.Combine(scp.Root, ".journal")));
    }

    /// <summary>
    /// What a power cut does to final files never synced: they are gone. The journal alone must bring every one
    /// of <paramref name="files"/> back, byte-identical.
    /// </summary>
    private static async Task AssertJournalRestoresLostFilesAsync(string root, string[] files)
    {
        foreach (var file in Received(root))
        {
            File.Delete(file);
        }

        await using (var recovered = new DicomFileStore(new DicomFileStoreOptions { Root = root, MinimumFreeBytes = 0, JournalSegmentBytes = 4L << 20 }))
        {
            Assert.Equal(files.Length, recovered.ReplayedInstances);
        }

        DicomBytes.AssertAllArrivedIdentical(files, Received(root));
    }

    /// <summary>
    /// Receives <paramref name="files"/> into a journal that never checkpoints and waits until their final files are
    /// written, then stops without disposing the store (a crash before the checkpoint).
    /// </summary>
    private static async Task<(IReadOnlyList<StoreResult> Results, DicomFileStore Store)> ReceiveWithoutCleanStopAsync(string root, string[] files, long segmentBytes = 4L << 20, bool? sendAhead = null)
    {
        var store = new DicomFileStore(new DicomFileStoreOptions
        {
            JournalSendAhead = sendAhead,
            Root = root,
            MinimumFreeBytes = 0,
            JournalSegmentBytes = segmentBytes,
            JournalCheckpointIdle = Timeout.InfiniteTimeSpan,
            JournalCheckpointInterval = TimeSpan.FromHours(1),
        });
        await using var server = new DicomServerBuilder().ListenOn(IPAddress.Loopback, 0).WithAeTitle(ScpHarness.AeTitle).UseStore(store).Build();
        await server.StartAsync();
        var results = await Client(server.LocalEndPoint.Port).StoreFilesAsync(files);
        await store.WhenMaterialisedAsync();
        return (results, store);
    }

    private static string[] Received(string root) => Directory.GetFiles(root, "*.dcm", SearchOption.AllDirectories)
        .Where(p => !Path.GetRelativePath(root, p).StartsWith('.'))
        .ToArray();

    private static DicomClient Client(int port) => new(new DicomClientOptions
    {
        Host = "127.0.0.1",
        Port = port,
        CalledAeTitle = ScpHarness.AeTitle,
        Retry = new DicomRetryOptions { MaxRetryAttempts = 0 },
    });
}
