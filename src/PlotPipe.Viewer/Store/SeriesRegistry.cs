using PlotPipe.Protocol;

namespace PlotPipe.Viewer.Store;

/// <summary>
/// The series of one viewer in order of definition, known by producer and wire id: each new one's index, place in
/// the colour cycle and run style (a series named as one of another run shares its colour and takes a style of its
/// own), a redefinition that keeps or replaces a series in its place, and the series that left with
/// their producer (whose counts go on in the totals). Readers take the list as an array; changes happen under one
/// lock and copy it.
/// </summary>
internal sealed class SeriesRegistry
{
    private readonly object _gate = new();
    // Series defined without a producer (text input, tests), by wire id.
    private readonly SeriesStore?[] _byId = new SeriesStore?[ProtocolLimits.MaxSeries];
    private SeriesStore[] _series = [];
    // How many series took each place of the colour cycle, in each panel and in all: a series with a colour of its
    // own takes none (NextSlot).
    private readonly int[,] _panelSlots = new int[ProtocolLimits.MaxPanels, SeriesPalette.CycleLength];
    private readonly int[] _slots = new int[SeriesPalette.CycleLength];
    // Series defined so far: each new one's index, never reused, since series of a producer that left the list go.
    private int _defined;
    private long _retiredEvicted;
    private long _retiredOutOfOrder;
    private long _retiredDropped;

    /// <summary>The series in order of definition.</summary>
    public SeriesStore[] All => Volatile.Read(ref _series);

    /// <summary>Points, out-of-order points and producer drops of series that left with their producer (counted as evicted).</summary>
    public (long Evicted, long OutOfOrder, long Dropped) Retired =>
        (Interlocked.Read(ref _retiredEvicted), Interlocked.Read(ref _retiredOutOfOrder), Interlocked.Read(ref _retiredDropped));

    /// <summary>
    /// The series with wire id <paramref name="id"/> defined without a producer, else <paramref name="first"/>'s
    /// (a spawned viewer's only producer); null when it was never defined.
    /// </summary>
    public SeriesStore? Find(int id, ProducerStore? first)
    {
        if ((uint)id >= (uint)_byId.Length) return null;
        return _byId[id] ?? first?.Find(id);
    }

    /// <summary>
    /// Defines a series with <paramref name="create"/> (given its index and the points evicted before it). The same
    /// id under the same name and kind is a reconnecting producer and keeps its series (returned, <c>Kept</c>);
    /// under a new name or kind the new series takes the old one's place (index and colour), and the old one is
    /// returned as <c>Replaced</c> for its memory to be given back.
    /// </summary>
    public (SeriesStore Series, SeriesStore? Replaced, bool Kept) Define(SeriesDefinition definition, ProducerStore? producer, Func<int, long, SeriesStore> create)
    {
        // Each producer has its own ids: a series is known by producer and name.
        var byId = producer?.ById ?? _byId;
        lock (_gate)
        {
            var replaced = byId[definition.Id];
            if (replaced is not null && replaced.Name == definition.Name && replaced.Kind == definition.Kind) return (replaced, null, true);
            SeriesStore store;
            if (replaced is null)
            {
                store = create(_defined++, 0);
                var earlier = StyleForRun(store, _series);
                if (store.Format.Color is null) store.CycleSlot = earlier is { Format.Color: null } ? earlier.CycleSlot : NextSlot(store);
                _series = [.. _series, store];
            }
            else
            {
                store = create(replaced.Index, replaced.Evicted + replaced.Count);
                StyleForRun(store, _series);
                if (store.Format.Color is null)
                    store.CycleSlot = replaced.Format.Color is null && replaced.Definition.Panel == store.Definition.Panel ? replaced.CycleSlot : NextSlot(store);
                // Readers may hold the old array: replace in a copy.
                SeriesStore[] series = [.. _series];
                series[Array.IndexOf(series, replaced)] = store;
                _series = series;
            }
            Volatile.Write(ref byId[definition.Id], store);
            return (store, replaced, false);
        }
    }

    // Under the gate: the place in the colour cycle the series takes. The one its panel has fewest of, then a strong
    // colour before a light companion, then the one fewest series of the plot have, then the first in the cycle: up to
    // ten series take matplotlib's cycle in order whatever their panels, a panel takes the pale companions (under 3:1 on
    // white) only once it holds ten series itself, not because the panels above it hold ten, and one panel of many
    // series goes round the cycle as before.
    private int NextSlot(SeriesStore store)
    {
        int panel = (uint)store.Definition.Panel < ProtocolLimits.MaxPanels ? store.Definition.Panel : 0;
        int best = 0;
        for (int slot = 1; slot < SeriesPalette.CycleLength; slot++)
        {
            if ((_panelSlots[panel, slot], SeriesPalette.IsLightCompanion(slot), _slots[slot])
                .CompareTo((_panelSlots[panel, best], SeriesPalette.IsLightCompanion(best), _slots[best])) < 0)
                best = slot;
        }
        _panelSlots[panel, best]++;
        _slots[best]++;
        return best;
    }

    // Under the gate. When other runs (producers) carry a series of this name, this one takes the first run style none
    // of them has, so each run of "loss" is told apart; returns the first of them, whose cycle colour it shares. Live
    // runs and baselines take styles apart: a baseline is told from the live runs by being muted, so a live run keeps
    // its own stroke however many baselines came before it.
    private static SeriesStore? StyleForRun(SeriesStore store, SeriesStore[] series)
    {
        SeriesStore? first = null;
        int taken = 0;
        foreach (var s in series)
        {
            if (s.Name != store.Name || s.Producer == store.Producer) continue;
            first ??= s;
            if (s.IsBaseline == store.IsBaseline && s.RunStyle < 32) taken |= 1 << s.RunStyle;
        }
        if (first is null) return null;
        int style = 0;
        while ((taken & (1 << style)) != 0 && style < 31) style++;
        store.RunStyle = style;
        return first;
    }

    /// <summary>
    /// Adds a series the viewer computes (<c>--derive</c>): it has no wire id, so nothing replaces it; it takes the next
    /// index and place in the colour cycle.
    /// </summary>
    public SeriesStore DefineDerived(Func<int, SeriesStore> create)
    {
        lock (_gate)
        {
            var store = create(_defined++);
            // Each run's "loss_ema" shares the first one's colour and takes its run's style, as defined series do.
            var earlier = StyleForRun(store, _series);
            if (store.Format.Color is null) store.CycleSlot = earlier is { Format.Color: null } ? earlier.CycleSlot : NextSlot(store);
            _series = [.. _series, store];
            return store;
        }
    }

    /// <summary>
    /// Takes the series of <paramref name="gone"/> (whose connection closed, so nothing defines or appends to them
    /// any more) out of the list, the others keeping their index and colour, and counts their points on; returns them
    /// for their memory to be given back.
    /// </summary>
    public List<SeriesStore> Retire(ProducerStore gone)
    {
        var leaving = new List<SeriesStore>();
        lock (_gate)
        {
            var kept = new List<SeriesStore>(_series.Length);
            foreach (var s in _series) (gone.Owns(s) || ReferenceEquals(s.DerivedFrom, gone) ? leaving : kept).Add(s);
            // Readers may hold the old array: the page keys series by index.
            _series = [.. kept];
        }
        foreach (var s in leaving)
        {
            Interlocked.Add(ref _retiredEvicted, s.Count + s.Evicted);
            Interlocked.Add(ref _retiredOutOfOrder, s.OutOfOrder);
            Interlocked.Add(ref _retiredDropped, s.ProducerDropped);
        }
        return leaving;
    }
}
