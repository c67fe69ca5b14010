namespace MedCam.Pipeline.Synthetic;

/// <summary>A point or direction in millimetres.</summary>
internal readonly record struct P3(double X, double Y, double Z)
{
    public static P3 operator +(P3 a, P3 b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static P3 operator -(P3 a, P3 b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static P3 operator *(P3 a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    public double Dot(P3 b) => X * b.X + Y * b.Y + Z * b.Z;

    public double Length => Math.Sqrt(Dot(this));

    public P3 Normalised()
    {
        var l = Length;
        return l > 0 ? this * (1 / l) : this;
    }

    public P3 Cross(P3 b) => new(Y * b.Z - Z * b.Y, Z * b.X - X * b.Z, X * b.Y - Y * b.X);
}

/// <summary>A tapered tube segment (vessel, airway, rib) between two points with radii in mm.</summary>
internal readonly record struct Tube(P3 A, P3 B, double RadiusA, double RadiusB, int Generation)
{
    /// <summary>Distance from <paramref name="p"/> to the tube's axis and the tube radius at the closest point.</summary>
    public (double Distance, double Radius) Measure(P3 p, double slabHalfThickness)
    {
        var ab = B - A;
        var len2 = ab.Dot(ab);
        var t = len2 > 0 ? Math.Clamp((p - A).Dot(ab) / len2, 0, 1) : 0;
        var q = A + ab * t;
        var d = p - q;
        // A slice integrates over its thickness: a tube within half a slice of the centre plane is in the slice.
        var dz = Math.Max(0, Math.Abs(d.Z) - slabHalfThickness);
        return (Math.Sqrt(d.X * d.X + d.Y * d.Y + dz * dz), RadiusA + (RadiusB - RadiusA) * t);
    }

    /// <summary>Randomly branching tree (bronchovascular bundles): each segment splits in two, shorter and thinner.</summary>
    public static List<Tube> Tree(SyntheticRandom random, P3 root, P3 direction, double length, double radius, int generations, P3 outward)
    {
        var tubes = new List<Tube>();
        Grow(random, tubes, root, direction.Normalised(), length, radius, 0, generations, outward.Normalised());
        return tubes;
    }

    private static void Grow(SyntheticRandom random, List<Tube> tubes, P3 start, P3 dir, double length, double radius, int generation, int generations, P3 outward)
    {
        var end = start + dir * length;
        var endRadius = radius * 0.9;
        tubes.Add(new Tube(start, end, radius, endRadius, generation));
        if (generation + 1 >= generations)
        {
            return;
        }

        var helper = Math.Abs(dir.Z) < 0.9 ? new P3(0, 0, 1) : new P3(1, 0, 0);
        var u = dir.Cross(helper).Normalised();
        var v = dir.Cross(u).Normalised();
        var phi = random.Uniform(0, 2 * Math.PI);
        for (var child = 0; child < 2; child++)
        {
            var angle = random.Uniform(0.35, 0.7);
            var around = phi + child * Math.PI;
            var perp = u * Math.Cos(around) + v * Math.Sin(around);
            var childDir = (dir * Math.Cos(angle) + perp * Math.Sin(angle) + outward * 0.25).Normalised();
            Grow(random, tubes, end, childDir, length * random.Uniform(0.7, 0.85), endRadius * 0.86, generation + 1, generations, outward);
        }
    }
}
