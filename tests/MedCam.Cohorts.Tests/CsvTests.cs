using System.Text.Json;

namespace MedCam.Cohorts.Tests;

public sealed class CsvTests
{
    private static readonly string[][] Tricky =
    [
        ["case_id", "folder", "note"],
        ["a,1", "x \"quoted\" y", "two\nlines"],
        ["", "plain", "trailing space "],
        ["ünïcode", "\"", ","],
    ];

    [Fact]
    public async Task Parse_FileWrittenByPythonCsv_SameFields()
    {
        using var dir = new MedCam.Testing.TempDir();
        var path = Path.Combine(dir.Path, "m.csv");
        var payload = JsonSerializer.Serialize(Tricky);
        await Python.JsonAsync("import csv, json, sys\nrows = json.loads(sys.argv[2])\nwith open(sys.argv[1], 'w', newline='', encoding='utf-8-sig') as f:\n    csv.writer(f).writerows(rows)\nprint('{}')\n", path, payload);

        var parsed = Csv.Parse(await File.ReadAllTextAsync(path)).Select(r => r.Fields).ToArray();

        Assert.Equal(Tricky.Length, parsed.Length);
        for (var i = 0; i < Tricky.Length; i++)
        {
            Assert.Equal(Tricky[i], parsed[i]);
        }
    }

    [Fact]
    public async Task Line_ReadByPythonCsv_SameFields()
    {
        using var dir = new MedCam.Testing.TempDir();
        var path = Path.Combine(dir.Path, "out.csv");
        await File.WriteAllTextAsync(path, string.Concat(Tricky.Select(r => Csv.Line(r) + "\r\n")));

        var rows = await Python.JsonAsync("import csv, json, sys\nwith open(sys.argv[1], newline='', encoding='utf-8') as f:\n    print(json.dumps(list(csv.reader(f))))\n", path);

        Assert.Equal(Tricky, rows.Deserialize<string[][]>());
    }

    [Theory]
    [InlineData("a,\"b\nc", "not closed")]
    [InlineData("a,\"b\"x,c", "after a closing quote")]
    public void Parse_Malformed_FormatExceptionNamesLine(string text, string expected)
    {
        var error = Assert.Throws<FormatException>(() => Csv.Parse(text).ToList());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("line 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BlankLinesAndCrLf_SkippedAndLineNumbersKept()
    {
        var records = Csv.Parse("h1,h2\r\n\r\na,b\r\n\nc,d").ToList();
        Assert.Equal([1, 3, 5], records.Select(r => r.Line));
        Assert.Equal(["c", "d"], records[2].Fields);
    }
}
