namespace MedCam.Imaging.Filters;

/// <summary>Index folding for the two mirror conventions the filters use.</summary>
internal static class BoundaryIndex
{
    /// <summary>Half-sample symmetric (scipy.ndimage "reflect"): d c b a | a b c d | d c b a.</summary>
    public static int HalfSample(int i, int n)
    {
        if (n == 1)
        {
            return 0;
        }

        var period = 2 * n;
        i %= period;
        if (i < 0)
        {
            i += period;
        }

        return i >= n ? period - 1 - i : i;
    }

    /// <summary>Whole-sample symmetric (torch.nn.functional.pad / numpy.pad "reflect"): d c b | a b c d | c b a.</summary>
    public static int WholeSample(int i, int n)
    {
        if (n == 1)
        {
            return 0;
        }

        var period = (2 * n) - 2;
        i %= period;
        if (i < 0)
        {
            i += period;
        }

        return i >= n ? period - i : i;
    }
}
