#!/usr/bin/env python3
"""Convert the benchmark generator's neutral JSON (shared/bench/gen_network.py --format json,
format 'odebench-network/1') into an ntsim model file (docs/model-format.md).

Standard library only.  Usage:

    python3 bench/convert_network.py net10.json net10.ntsim.json

What the conversion keeps and decides:
- one compartment 'cell' of 1 L (the generator's rates are concentration/time in a volume of 1);
- species in nM, initial values and ids unchanged, in the generator's order (so ntsim's state
  order is the C program's order);
- parameters in declaration order (the benchmark's perturbation multiplies them in that order),
  values unchanged, units mapped to ntsim unit strings (the generator's units are already nM and
  s, ntsim's internal units, so no value is rescaled);
- rates as 'expression' rate laws with the generator's rate strings verbatim;
- one observable, MAPK_PP_total (the sum of every module's MAPK_PP), for scenario sweeps;
- every species a rate reads that is not a reactant or product becomes a modifier.  Its role is
  decided from the rate itself, at a probe point with every species at 10 nM and nominal
  parameters: a rate that falls as the species rises -> 'inhibitor' (the MAPK_PP feedback in v1's
  denominator); a rate proportional to the species -> 'enzyme' (kinases and phosphatases in
  kcat*E*S/(Km+S), mRNA as the template of translation); any other increasing dependence ->
  'activator' (MAPK_PP in the Hill-type transcription law).

Dosing events are not converted into the model. A file with events is rejected rather than
silently simulated without its doses, unless --doses-to FILE is given: then the events are checked
to be exactly the regular schedule of the file's simulation.dosing block (dose k at k * interval
adds the amount to every dose species), and FILE receives the ntsim_bench arguments that apply it
(a JSON list), which is how bench/run times the dosing variant.
"""

import argparse
import json
import math
import re
import sys

NEUTRAL_FORMAT = 'odebench-network/1'
SOURCE = 'assumed: synthetic benchmark network from shared/bench/gen_network.py'
COMPARTMENT = 'cell'

# generator unit -> ntsim unit string (docs/model-format.md, "Units")
UNITS = {'nM': 'nM', 'nM/s': 'nM/s', '1/s': '1/s', '1/(nM*s)': '1/(nM*s)', '1': '1'}

# Role probing: every species at PROBE_NM; linearity is judged to this relative tolerance.
PROBE_NM = 10.0
LINEAR_RTOL = 1e-9

# The generator's expressions use only these tokens (its 'expression_syntax').
TOKEN = re.compile(r'\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|([-+*/(),]))')


class ConversionError(Exception):
    pass


def identifiers(expression):
    """The identifiers an expression reads, in order of first use; rejects unexpected tokens."""
    names, pos = [], 0
    text = expression.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise ConversionError('unexpected text at column %d of rate %r' % (pos + 1, expression))
        name = m.group(1)
        if name and name != 'pow' and name not in names:
            names.append(name)
        pos = m.end()
    return names


def evaluate(expression, values):
    """Evaluates a generator rate string (C-like infix with pow) with `values` for identifiers."""
    identifiers(expression)  # only the tokens above, so eval sees arithmetic and names only
    return eval(expression, {'__builtins__': {}, 'pow': math.pow}, values)  # noqa: S307


def modifier_role(rate, species, values):
    """'inhibitor', 'enzyme' or 'activator' for `species` in `rate` (see the module docstring)."""
    def at(x):
        probe = dict(values)
        probe[species] = x
        return evaluate(rate, probe)
    v0, v1, v2 = at(0.0), at(PROBE_NM), at(2 * PROBE_NM)
    if v2 < v1:
        return 'inhibitor'
    if v0 == 0.0 and abs(v2 - 2 * v1) <= LINEAR_RTOL * abs(v2):
        return 'enzyme'
    return 'activator'


def convert(net, source_name, doses_elsewhere=False):
    if net.get('format') != NEUTRAL_FORMAT:
        raise ConversionError('%s: expected format %r, found %r' % (source_name, NEUTRAL_FORMAT, net.get('format')))
    if net.get('units') != {'concentration': 'nM', 'time': 's'}:
        raise ConversionError('%s: expected units nM and s, found %r' % (source_name, net.get('units')))
    if net.get('events') and not doses_elsewhere:
        raise ConversionError('%s: %d dosing events; ntsim model files carry no events, so this network '
                              'cannot be converted without losing its doses (see --doses-to)'
                              % (source_name, len(net['events'])))
    compartments = net.get('compartments', [])
    if len(compartments) != 1 or compartments[0].get('size') != 1.0:
        raise ConversionError('%s: expected one compartment of size 1, found %r' % (source_name, compartments))

    species_ids = [s['id'] for s in net['species']]
    species_set = set(species_ids)
    parameters = []
    for i, p in enumerate(net['parameters']):
        unit = p.get('units')
        if unit not in UNITS:
            raise ConversionError('%s: /parameters/%d: unit %r has no ntsim equivalent; known: %s'
                                  % (source_name, i, unit, ', '.join(sorted(UNITS))))
        parameters.append({'id': p['id'], 'value': p['value'], 'unit': UNITS[unit], 'source': SOURCE})

    probe = {s: PROBE_NM for s in species_ids}
    probe.update({p['id']: p['value'] for p in net['parameters']})
    reactions = []
    for i, r in enumerate(net['reactions']):
        takes_part = {x['species'] for x in r['reactants']} | {x['species'] for x in r['products']}
        read = [n for n in identifiers(r['rate']) if n in species_set and n not in takes_part]
        # Declared modifiers first, in the generator's order, then any further species the rate reads.
        ordered = [m for m in r.get('modifiers', []) if m not in takes_part]
        ordered += [n for n in read if n not in ordered]
        unknown = [n for n in identifiers(r['rate']) if n not in probe]
        if unknown:
            raise ConversionError('%s: /reactions/%d/rate: unknown names %s' % (source_name, i, ', '.join(unknown)))
        out = {'id': r['id']}
        if r['reactants']:
            out['reactants'] = [ref(x) for x in r['reactants']]
        if r['products']:
            out['products'] = [ref(x) for x in r['products']]
        if ordered:
            out['modifiers'] = [{'species': m, 'role': modifier_role(r['rate'], m, probe)} for m in ordered]
        out['rate'] = {'type': 'expression', 'expression': r['rate']}
        reactions.append(out)

    generator = net.get('generator', {})
    modules = generator.get('modules', '?')
    return {
        'name': 'bench_network_M%s' % modules,
        'description': 'Benchmark network converted from %s (gen_network.py: %s modules, seed %s, regime %s): %s'
                       % (source_name, modules, generator.get('seed', '?'), generator.get('regime', '?'),
                          net.get('description', '')),
        'compartments': [{'id': COMPARTMENT, 'size': 1, 'unit': 'L'}],
        'species': [{'id': s['id'], 'compartment': COMPARTMENT, 'initial': s['initial'], 'unit': 'nM'}
                    for s in net['species']],
        'parameters': parameters,
        'reactions': reactions,
        # One readout for scenario sweeps over the network (bench/run's sweep figures).
        'observables': [{'id': 'MAPK_PP_total', 'name': 'MAPK-PP summed over the modules',
                         'expression': ' + '.join(s['id'] for s in net['species'] if s.get('role') == 'MAPK_PP')}],
    }


def dose_arguments(net, source_name):
    """ntsim_bench arguments for the file's dosing schedule, after checking its events are it."""
    dosing = net.get('simulation', {}).get('dosing')
    events = net.get('events', [])
    if not dosing:
        if events:
            raise ConversionError('%s: events without a simulation.dosing block' % source_name)
        return []
    interval, amount, species = dosing['interval'], dosing['amount_nM'], dosing['species']
    if len(events) != dosing['doses'] - 1:
        raise ConversionError('%s: %d events for %d doses (dose 0 is in the initial values)'
                              % (source_name, len(events), dosing['doses']))
    for k, event in enumerate(events, start=1):
        expected = [{'variable': s, 'expression': '%s + %r' % (s, amount)} for s in species]
        if event.get('time') != k * interval or event.get('assignments') != expected:
            raise ConversionError('%s: /events/%d is not dose %d of %r nM every %r s to %s'
                                  % (source_name, k - 1, k, amount, interval, ', '.join(species)))
    return ['--doses', str(dosing['doses']), '--dose-interval', repr(interval), '--dose-amount', repr(amount),
            '--dose-species', ','.join(species)]


def ref(x):
    return x['species'] if x['stoichiometry'] == 1 else {'species': x['species'], 'stoichiometry': x['stoichiometry']}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('neutral', help='neutral JSON written by gen_network.py --format json')
    ap.add_argument('output', help='ntsim model file to write ("-" for stdout)')
    ap.add_argument('--doses-to', metavar='FILE', help='accept dosing events: write the ntsim_bench arguments '
                                                       'that apply them to FILE (a JSON list)')
    a = ap.parse_args(argv)
    with open(a.neutral) as f:
        net = json.load(f)
    try:
        model = convert(net, a.neutral, doses_elsewhere=bool(a.doses_to))
        if a.doses_to:
            with open(a.doses_to, 'w') as f:
                json.dump(dose_arguments(net, a.neutral), f)
    except ConversionError as e:
        sys.stderr.write('convert_network.py: %s\n' % e)
        return 1
    text = json.dumps(model, indent=1) + '\n'
    if a.output == '-':
        sys.stdout.write(text)
    else:
        with open(a.output, 'w') as f:
            f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
