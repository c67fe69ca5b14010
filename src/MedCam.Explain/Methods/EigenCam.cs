using MathNet.Numerics.LinearAlgebra;

namespace MedCam.Explain.Methods;

/// <summary>
/// Eigen-CAM (Muhammad &amp; Yeasin 2020): A as a (positions × channels) matrix M, v₁ its first right singular vector,
/// L = M · v₁. Not class-discriminative (the target is ignored). Sign: the SVD's sign is arbitrary, MedCam picks the
/// sign that makes L correlate positively with the channel sum of A (plain dot product if either is constant).
/// Centring: off by default, as in the paper; <see cref="CamOptions.EigenCamCenter"/> subtracts each channel's mean
/// over positions first (pytorch-grad-cam's choice). v₁ comes from the symmetric eigendecomposition of the smaller
/// Gram matrix (MᵀM, or MMᵀ when there are fewer positions than channels), in double precision.
/// </summary>
public sealed class EigenCam : CamMethod
{
    public override string Name => "eigencam";

    public override bool UsesGradients => false;

    protected override void LayerMap(LayerContext context, Span<float> map)
    {
        ArgumentNullException.ThrowIfNull(context);
        var a = context.Activations.Span;
        var c = context.Channels;
        var z = context.Positions;
        // M (positions × channels) column-major is A's [C, Z] layout: fill the storage directly, no per-element indexer.
        var storage = new double[z * c];
        var channelSum = new double[z];
        for (var k = 0; k < c; k++)
        {
            var ak = a.Slice(k * z, z);
            double mean = 0;
            for (var i = 0; i < z; i++)
            {
                mean += ak[i];
                channelSum[i] += ak[i];
            }

            mean = context.Options.EigenCamCenter ? mean / z : 0;
            var column = storage.AsSpan(k * z, z);
            for (var i = 0; i < z; i++)
            {
                column[i] = ak[i] - mean;
            }
        }

        var m = Matrix<double>.Build.Dense(z, c, storage);
        Vector<double> v;
        if (c <= z)
        {
            // MᵀM: one vectorised double dot product per channel pair (the layer has few channels, many positions).
            var gram = Matrix<double>.Build.Dense(c, c);
            for (var k1 = 0; k1 < c; k1++)
            {
                var x = storage.AsSpan(k1 * z, z);
                for (var k2 = k1; k2 < c; k2++)
                {
                    var dot = System.Numerics.Tensors.TensorPrimitives.Dot<double>(x, storage.AsSpan(k2 * z, z));
                    gram[k1, k2] = dot;
                    gram[k2, k1] = dot;
                }
            }

            v = TopEigenvector(gram);
        }
        else
        {
            var u = TopEigenvector(m.TransposeAndMultiply(m));
            v = m.TransposeThisAndMultiply(u);
            var norm = v.L2Norm();
            v = norm > 0 ? v / norm : v;
        }

        var l = m * v;
        var sign = Covariance(l, channelSum);
        if (sign == 0)
        {
            sign = l.Select((x, i) => x * channelSum[i]).Sum();
        }

        var flip = sign < 0 ? -1.0 : 1.0;
        for (var i = 0; i < z; i++)
        {
            map[i] = (float)(flip * l[i]);
        }
    }

    private static Vector<double> TopEigenvector(Matrix<double> gram)
    {
        var evd = gram.Evd(Symmetricity.Symmetric);
        var values = evd.EigenValues;
        var best = 0;
        for (var i = 1; i < values.Count; i++)
        {
            if (values[i].Real > values[best].Real)
            {
                best = i;
            }
        }

        return evd.EigenVectors.Column(best);
    }

    private static double Covariance(Vector<double> x, double[] y)
    {
        var mx = x.Average();
        var my = y.Average();
        double s = 0;
        for (var i = 0; i < y.Length; i++)
        {
            s += (x[i] - mx) * (y[i] - my);
        }

        return s;
    }
}
