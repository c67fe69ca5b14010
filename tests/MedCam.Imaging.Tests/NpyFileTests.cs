using System.Diagnostics;
using MedCam.Imaging.NumPy;

namespace MedCam.Imaging.Tests;

/// <summary>Runs /usr/bin/python3 (numpy, torch, scipy) as the independent peer for the imaging ops.</summary>
internal static class NpyPython
{
    public const string Python = "/usr/bin/python3";

    public static string Run(string script, params string[] args)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"{Python} is missing: install python3 with numpy, scipy and torch (setup does this).");
        }

        var dir = Directory.CreateTempSubdirectory("medcam-npy-py").FullName;
        var path = Path.Combine(dir, "script.py");
        File.WriteAllText(path, script);
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(path);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"python failed ({p.ExitCode}): {stderr}");
        }

        return stdout.Result;
    }

    public static string TempDir() => Directory.CreateTempSubdirectory("medcam-imaging-test").FullName;
}

public class NpyFileTests
{
    [Fact]
    public void Read_FilesWrittenByNumPy_AllDtypesOrdersAndVersions()
    {
        var dir = NpyPython.TempDir();
        NpyPython.Run("""
import numpy as np, sys, os
d = sys.argv[1]
base = np.arange(24, dtype=np.float64).reshape(2, 3, 4) - 5.5
for name, dt in [('f4','<f4'),('f8','<f8'),('f2','<f2'),('i1','i1'),('u1','u1'),('i2','<i2'),('u2','<u2'),('i4','<i4'),('u4','<u4'),('i8','<i8'),('u8','<u8'),('bf4','>f4'),('bi4','>i4')]:
    a = base if not name.startswith(('u','bi')) and name not in ('i1','i2','i4','i8') else np.abs(np.round(base))
    np.save(os.path.join(d, name + '.npy'), a.astype(dt))
np.save(os.path.join(d, 'bool.npy'), base > 0)
np.save(os.path.join(d, 'fortran.npy'), np.asfortranarray(base.astype(np.float32)))
np.save(os.path.join(d, 'scalar.npy'), np.float32(3.5))
np.save(os.path.join(d, 'empty.npy'), np.zeros((0, 3), np.float32))
for v in [(1,0),(2,0),(3,0)]:
    with open(os.path.join(d, 'v%d.npy' % v[0]), 'wb') as f:
        np.lib.format.write_array(f, base.astype(np.float32), version=v)
""", dir);

        var expected = Enumerable.Range(0, 24).Select(i => i - 5.5).ToArray();
        var expectedAbs = expected.Select(v => Math.Abs(Math.Round(v, MidpointRounding.ToEven))).ToArray();
        foreach (var name in new[] { "f4", "f8", "f2", "bf4", "fortran", "v1", "v2", "v3" })
        {
            var a = NpyFile.Read(Path.Combine(dir, name + ".npy"));
            Assert.Equal(new[] { 2, 3, 4 }, a.Shape);
            Assert.Equal(expected, a.ToDouble());
        }

        foreach (var name in new[] { "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "bi4" })
        {
            var a = NpyFile.Read(Path.Combine(dir, name + ".npy"));
            Assert.Equal(expectedAbs, a.ToDouble());
        }

        var b = NpyFile.Read(Path.Combine(dir, "bool.npy"));
        Assert.Equal(NpyDataType.Bool, b.DataType);
        Assert.Equal(expected.Select(v => v > 0).ToArray(), b.ToBool());
        var scalar = NpyFile.Read(Path.Combine(dir, "scalar.npy"));
        Assert.Empty(scalar.Shape);
        Assert.Equal(3.5f, scalar.ToSingle()[0]);
        Assert.Equal(new[] { 0, 3 }, NpyFile.Read(Path.Combine(dir, "empty.npy")).Shape);
    }

    [Fact]
    public void Write_ReadByNumPy_SameValuesShapesAndDtypes()
    {
        var dir = NpyPython.TempDir();
        var data = Enumerable.Range(0, 30).Select(i => (float)(i * 0.25 - 2)).ToArray();
        NpyFile.Write(Path.Combine(dir, "f4.npy"), data, 2, 3, 5);
        NpyFile.Write(Path.Combine(dir, "f8.npy"), NpyArray.FromDouble(data.Select(v => (double)v).ToArray(), 30));
        NpyFile.Write(Path.Combine(dir, "u1.npy"), NpyArray.FromUInt8(Enumerable.Range(0, 6).Select(i => (byte)i).ToArray(), 2, 3));
        NpyFile.Write(Path.Combine(dir, "b1.npy"), NpyArray.FromBool([true, false, true], 3));
        NpyFile.Write(Path.Combine(dir, "i4.npy"), NpyArray.FromInt32([-1, 2], 2, 1));
        var output = NpyPython.Run("""
import numpy as np, sys, os
d = sys.argv[1]
a = np.load(os.path.join(d, 'f4.npy'))
assert a.dtype == np.float32 and a.shape == (2, 3, 5), (a.dtype, a.shape)
assert np.array_equal(a.ravel(), (np.arange(30) * 0.25 - 2).astype(np.float32))
b = np.load(os.path.join(d, 'f8.npy')); assert b.dtype == np.float64 and b.shape == (30,)
c = np.load(os.path.join(d, 'u1.npy')); assert c.dtype == np.uint8 and c.tolist() == [[0,1,2],[3,4,5]]
e = np.load(os.path.join(d, 'b1.npy')); assert e.dtype == bool and e.tolist() == [True, False, True]
f = np.load(os.path.join(d, 'i4.npy')); assert f.dtype == np.int32 and f.tolist() == [[-1],[2]]
with open(os.path.join(d, 'f4.npy'), 'rb') as fh:
    fh.read(8); hl = int.from_bytes(fh.read(2), 'little')
assert (10 + hl) % 64 == 0
print('ok')
""", dir);
        Assert.Equal("ok", output.Trim());
    }

    [Fact]
    public void Read_NotNpy_ClearError()
    {
        var path = Path.Combine(NpyPython.TempDir(), "x.npy");
        File.WriteAllText(path, "hello world, not numpy");
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));
        Assert.Contains("magic", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_Truncated_ClearError()
    {
        var path = Path.Combine(NpyPython.TempDir(), "t.npy");
        NpyFile.Write(path, new float[100], 10, 10);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^40]);
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_UnsupportedDtype_NamesIt()
    {
        var dir = NpyPython.TempDir();
        NpyPython.Run("import numpy as np, sys, os; np.save(os.path.join(sys.argv[1], 'c.npy'), np.zeros(3, np.complex64))", dir);
        var e = Assert.Throws<NpyFormatException>(() => NpyFile.Read(Path.Combine(dir, "c.npy")));
        Assert.Contains("<c8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_MissingFile_FileNotFound()
    {
        Assert.Throws<FileNotFoundException>(() => NpyFile.Read("/nonexistent/x.npy"));
    }
}
