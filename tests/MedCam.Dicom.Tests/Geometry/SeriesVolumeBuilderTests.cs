using MedCam.Dicom.Geometry;

namespace MedCam.Dicom.Tests.Geometry;

public class SeriesVolumeBuilderTests
{
    [Fact]
    public void Build_ShuffledSeries_SortsByPositionAndRescalesToHU()
    {
        using var dir = new TempDirectory();
        var zs = new[] { 5.0, -5.0, 0.0, 2.5, -2.5 };
        foreach (var (z, i) in zs.Select((z, i) => (z, i)))
        {
            DcmtkFixtures.CtSlice(dir, $"s{i}", z: z, seed: i + 1);
        }

        var volume = SeriesVolumeBuilder.BuildFromDirectory(dir.Path);
        Assert.Equal([5, 64, 48], volume.Shape);
        Assert.Equal(0.8, volume.Spacing[0], 6);
        Assert.Equal(0.7, volume.Spacing[1], 6);
        Assert.Equal(2.5, volume.Spacing[2], 6);
        Assert.Equal(new Vector3D(-100, -120, -5), volume.VoxelToPatient(0, 0, 0));
        Assert.Equal(5.0, volume.VoxelToPatient(0, 0, 4).Z, 6);
        Assert.Empty(volume.Warnings);
        // Slice k=0 is z=-5, made with seed 2: compare against dcmtk's raw pixels rescaled by hand.
        var raw = DcmtkFixtures.DcmtkRawPixels(dir, dir.File("s1.dcm"));
        var expected = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(raw).ToArray().Select(v => (float)(v - 1024)).ToArray();
        Assert.Equal(expected, volume.Slice(0).ToArray());
    }

    [Fact]
    public void Build_MissingSlice_ThrowsNamingTheGap()
    {
        using var dir = new TempDirectory();
        foreach (var z in new[] { 0.0, 2.5, 7.5, 10.0 })
        {
            DcmtkFixtures.CtSlice(dir, $"z{z}", z: z, rows: 8, columns: 8);
        }

        var ex = Assert.Throws<DicomException>(() => SeriesVolumeBuilder.BuildFromDirectory(dir.Path));
        Assert.Contains("1 missing slice(s) between 2.5 and 7.5 mm", ex.Message, StringComparison.Ordinal);
        var allowed = SeriesVolumeBuilder.BuildFromDirectory(dir.Path, new VolumeBuildOptions { AllowIrregularSpacing = true });
        Assert.Equal(4, allowed.Depth);
        Assert.Contains(allowed.Warnings, w => w.Contains("missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_DuplicatePosition_KeepsOneAndSaysSo()
    {
        using var dir = new TempDirectory();
        DcmtkFixtures.CtSlice(dir, "a", z: 0, rows: 8, columns: 8, seed: 1);
        DcmtkFixtures.CtSlice(dir, "b", z: 1, rows: 8, columns: 8, seed: 2);
        DcmtkFixtures.CtSlice(dir, "c", z: 1, rows: 8, columns: 8, seed: 3);
        var volume = SeriesVolumeBuilder.BuildFromDirectory(dir.Path);
        Assert.Equal(2, volume.Depth);
        Assert.Contains(volume.Warnings, w => w.StartsWith("Duplicate position 1 mm", StringComparison.Ordinal));
    }

    [Fact]
    public void Build_NonUniformSpacing_Throws()
    {
        using var dir = new TempDirectory();
        foreach (var z in new[] { 0.0, 1.0, 2.0, 3.7 })
        {
            DcmtkFixtures.CtSlice(dir, $"z{z}", z: z, rows: 8, columns: 8);
        }

        var ex = Assert.Throws<DicomException>(() => SeriesVolumeBuilder.BuildFromDirectory(dir.Path));
        Assert.Contains("non-uniform spacing 1.7 mm", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_GantryTilt_ShearedAffineAndWarning()
    {
        using var dir = new TempDirectory();
        for (var i = 0; i < 3; i++)
        {
            DcmtkFixtures.CtSlice(dir, $"t{i}", z: i * 2.0, rows: 8, columns: 8, tiltY: 0.25);
        }

        var volume = SeriesVolumeBuilder.BuildFromDirectory(dir.Path);
        Assert.Contains(volume.Warnings, w => w.StartsWith("Gantry tilt of 14.04 degrees", StringComparison.Ordinal));
        Assert.Equal(0.5, volume.Affine[1, 2], 6);
        Assert.Equal(2.0, volume.Affine[2, 2], 6);
        Assert.Equal(-119.0, volume.VoxelToPatient(0, 0, 2).Y, 6);
    }

    [Fact]
    public void Build_MixedOrientation_Throws()
    {
        using var dir = new TempDirectory();
        DcmtkFixtures.CtSlice(dir, "a", z: 0, rows: 8, columns: 8);
        DcmtkFixtures.CtSlice(dir, "b", z: 1, rows: 8, columns: 8, orientation: @"0\1\0\0\0\-1");
        var ex = Assert.Throws<DicomException>(() => SeriesVolumeBuilder.BuildFromDirectory(dir.Path));
        Assert.StartsWith("Mixed orientations", ex.Message, StringComparison.Ordinal);
    }
}
