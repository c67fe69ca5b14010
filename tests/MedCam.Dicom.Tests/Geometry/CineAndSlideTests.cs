using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using MedCam.Dicom.Geometry;

namespace MedCam.Dicom.Tests.Geometry;

public class CineAndSlideTests
{
    [Fact]
    public void Load_Dump2DcmUltrasoundCine_GivesTxHxWAndFrameTime()
    {
        using var dir = new TempDirectory();
        var raw = dir.File("us.raw");
        var pixels = Enumerable.Range(0, 6 * 10 * 12).Select(i => (byte)(i % 251)).ToArray();
        File.WriteAllBytes(raw, pixels);
        var path = DcmtkFixtures.Dump2Dcm(dir, "us", $"""
            (0008,0016) UI =UltrasoundMultiframeImageStorage
            (0008,0018) UI {DicomUid.FromName("us").Value}
            (0008,0060) CS [US]
            (0018,0015) CS [CHEST]
            (0018,1063) DS [33.3]
            (0020,000d) UI {DicomUid.FromName("study").Value}
            (0020,000e) UI {DicomUid.FromName("us-series").Value}
            (0028,0002) US 1
            (0028,0004) CS [MONOCHROME2]
            (0028,0008) IS [6]
            (0028,0009) AT (0018,1063)
            (0028,0010) US 10
            (0028,0011) US 12
            (0028,0100) US 8
            (0028,0101) US 8
            (0028,0102) US 7
            (0028,0103) US 0
            (7fe0,0010) OB ={raw}
            """);
        using var file = DicomFile.Open(path);
        var cine = CineLoader.Load<byte>(file);
        Assert.Equal([6, 10, 12], cine.Shape);
        Assert.Equal(33.3, cine.FrameTimeMs, 6);
        Assert.Equal(pixels, cine.Samples);
        Assert.Equal(DicomTags.FrameTime, file.Dataset.Get<DicomTag>(DicomTags.FrameIncrementPointer));
    }

    [Fact]
    public void Open_1000FrameObject_TouchesOnlyHeaderAndRequestedFrame()
    {
        using var dir = new TempDirectory();
        const int frames = 1000, rows = 128, columns = 128;
        var frameLength = rows * columns;
        var pixels = new byte[frames * frameLength];
        for (var f = 0; f < frames; f++)
        {
            pixels.AsSpan(f * frameLength, frameLength).Fill((byte)(f % 256));
        }

        var ds = new DicomDataset()
            .AddOrUpdate(DicomTags.SOPClassUID, DicomUids.UltrasoundMultiFrameImageStorage)
            .AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.Generate())
            .AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, 1)
            .AddOrUpdate(DicomTags.PhotometricInterpretation, "MONOCHROME2")
            .AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, "1000")
            .AddOrUpdate<ushort>(DicomTags.Rows, rows)
            .AddOrUpdate<ushort>(DicomTags.Columns, columns)
            .AddOrUpdate<ushort>(DicomTags.BitsAllocated, 8)
            .AddOrUpdate<ushort>(DicomTags.BitsStored, 8)
            .AddOrUpdate<ushort>(DicomTags.HighBit, 7)
            .AddOrUpdate<ushort>(DicomTags.PixelRepresentation, 0)
            .AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, DicomVR.OB, pixels));
        var path = dir.File("cine.dcm");
        DicomFile.Create(ds).Save(path);
        Evict(path);

        using (var probe = DicomFile.Open(path, DicomReadOptions.Default with { StopBefore = DicomTags.SOPClassUID }))
        {
            var afterMap = ResidentFraction(path);
            Assert.True(afterMap < 0.2, $"{afterMap:P0} of the file was paged in by mapping it");
        }

        using (var file = DicomFile.Open(path))
        {
            var afterOpen = ResidentFraction(path);
            Assert.True(afterOpen < 0.2, $"{afterOpen:P0} of the file was paged in by opening it");
            var frame = DicomPixelData.Create(file).GetFrame<byte>(777);
            Assert.All(frame, v => Assert.Equal((byte)(777 % 256), v));
        }

        var resident = ResidentFraction(path);
        Assert.True(resident < 0.2, $"{resident:P0} of the 16 MB file was paged in to read one frame");
    }

    [Fact]
    public void WholeSlide_TwoLevelTiledFull_TileGridAndTilesRead()
    {
        using var dir = new TempDirectory();
        WriteLevel(dir.File("l0.dcm"), totalColumns: 100, totalRows: 70, tile: 32);
        WriteLevel(dir.File("l1.dcm"), totalColumns: 50, totalRows: 35, tile: 32);
        var slide = WholeSlideImage.Open([dir.File("l1.dcm"), dir.File("l0.dcm")]);
        Assert.Equal(2, slide.Levels.Count);
        Assert.Equal((4, 3), (slide.Levels[0].TilesAcross, slide.Levels[0].TilesDown));
        Assert.Equal((2, 2), (slide.Levels[1].TilesAcross, slide.Levels[1].TilesDown));
        Assert.Equal(0.00025, slide.Levels[0].PixelSpacingMm, 9);
        var tile = slide.ReadTile(0, 2, 3);
        Assert.Equal(32 * 32 * 3, tile.Length);
        Assert.All(tile, v => Assert.Equal((byte)11, v)); // frame index 2 * 4 + 3
        Assert.Throws<ArgumentOutOfRangeException>(() => slide.ReadTile(1, 2, 0));
    }

    private static void WriteLevel(string path, int totalColumns, int totalRows, int tile)
    {
        var across = (totalColumns + tile - 1) / tile;
        var down = (totalRows + tile - 1) / tile;
        var frameLength = tile * tile * 3;
        var pixels = new byte[across * down * frameLength];
        for (var f = 0; f < across * down; f++)
        {
            pixels.AsSpan(f * frameLength, frameLength).Fill((byte)f);
        }

        var measures = new DicomDataset().AddOrUpdate<double>(DicomTags.PixelSpacing, 0.00025 * 100 / totalColumns, 0.00025 * 100 / totalColumns);
        var ds = new DicomDataset()
            .AddOrUpdate(DicomTags.SOPClassUID, DicomUids.VLWholeSlideMicroscopyImageStorage)
            .AddOrUpdate(DicomTags.SOPInstanceUID, DicomUid.Generate())
            .AddOrUpdate(DicomTags.ImageType, "ORIGINAL", "PRIMARY", "VOLUME", "NONE")
            .AddOrUpdate(DicomTags.DimensionOrganizationType, "TILED_FULL")
            .AddOrUpdate<uint>(DicomTags.TotalPixelMatrixColumns, (uint)totalColumns)
            .AddOrUpdate<uint>(DicomTags.TotalPixelMatrixRows, (uint)totalRows)
            .AddOrUpdate(DicomTags.SharedFunctionalGroupsSequence, new DicomDataset().AddOrUpdate(DicomTags.PixelMeasuresSequence, measures))
            .AddOrUpdate<ushort>(DicomTags.SamplesPerPixel, 3)
            .AddOrUpdate(DicomTags.PhotometricInterpretation, "RGB")
            .AddOrUpdate<ushort>(DicomTags.PlanarConfiguration, 0)
            .AddOrUpdate(DicomTags.NumberOfFrames, DicomVR.IS, (across * down).ToString(System.Globalization.CultureInfo.InvariantCulture))
            .AddOrUpdate<ushort>(DicomTags.Rows, (ushort)tile)
            .AddOrUpdate<ushort>(DicomTags.Columns, (ushort)tile)
            .AddOrUpdate<ushort>(DicomTags.BitsAllocated, 8)
            .AddOrUpdate<ushort>(DicomTags.BitsStored, 8)
            .AddOrUpdate<ushort>(DicomTags.HighBit, 7)
            .AddOrUpdate<ushort>(DicomTags.PixelRepresentation, 0)
            .AddOrUpdate(DicomElement.FromBytes(DicomTags.PixelData, DicomVR.OB, pixels));
        DicomFile.Create(ds).Save(path);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int posix_fadvise(int fd, long offset, long length, int advice);

    [DllImport("libc", SetLastError = true)]
    private static extern int fsync(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe int mincore(void* address, nuint length, byte* vector);

    private static void Evict(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var fd = (int)stream.SafeFileHandle.DangerousGetHandle();
        Assert.Equal(0, fsync(fd)); // dirty pages cannot be dropped
        Assert.Equal(0, posix_fadvise(fd, 0, 0, 4)); // POSIX_FADV_DONTNEED
        Assert.True(ResidentFraction(path) < 0.05, "the page cache did not drop the file; cannot measure laziness");
    }

    private static unsafe double ResidentFraction(string path)
    {
        var length = new FileInfo(path).Length;
        using var map = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        using var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        try
        {
            var pages = (int)((length + 4095) / 4096);
            var vector = new byte[pages];
            fixed (byte* v = vector)
            {
                Assert.Equal(0, mincore(pointer, (nuint)length, v));
            }

            return vector.Count(b => (b & 1) != 0) / (double)pages;
        }
        finally
        {
            view.SafeMemoryMappedViewHandle.ReleasePointer();
        }
    }
}
