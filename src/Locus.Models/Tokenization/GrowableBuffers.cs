namespace Locus.Models.Tokenization;

/// <summary>A reusable, growable list of values, kept per thread so that encoding does not allocate per call.</summary>
internal sealed class GrowableBuffer<T>
    where T : struct
{
    private T[] _items = new T[256];

    public int Count { get; private set; }

    public ReadOnlySpan<T> Span => _items.AsSpan(0, Count);

    public T this[int index]
    {
        get => _items[index];
        set => _items[index] = value;
    }

    public void Clear() => Count = 0;

    public void Truncate(int count) => Count = count;

    public void Add(T value)
    {
        if (Count == _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[Count++] = value;
    }

    /// <summary>Sets <see cref="Count"/> to <paramref name="count"/> (growing as needed) and returns the items for writing.</summary>
    public Span<T> Reset(int count)
    {
        if (_items.Length < count)
        {
            _items = new T[Math.Max(count, _items.Length * 2)];
        }

        Count = count;
        return _items.AsSpan(0, count);
    }
}
