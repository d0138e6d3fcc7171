// Writes a synthetic network of 1000+ species (modules of a receptor - three-tier kinase cascade -
// gene - protein chain, each module driven by the previous one), a compound that scales receptor
// activation, two regions and a scenario, so the report's browser test can measure load time for
// a model of realistic size. Usage: node make_large_model.mjs OUT_DIR [--modules N]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const out = args[0];
if (!out) {
  console.error('usage: node make_large_model.mjs OUT_DIR [--modules N]   (12 species per module)');
  process.exit(2);
}
const modulesAt = args.indexOf('--modules');
const moduleCount = modulesAt >= 0 ? Number(args[modulesAt + 1]) : 90;
mkdirSync(out, { recursive: true });

const source = 'assumed: synthetic network for the report load-time test (tests/viz/make_large_model.mjs)';
const p = (id, value, unit) => ({ id, value, unit, source });
const write = (name, json) => writeFileSync(join(out, name), JSON.stringify(json, null, 1) + '\n');

// Shared rate constants (Kholodenko 2000 magnitudes), one set for every module.
write('parameters.json', {
  name: 'large_parameters',
  module: 'parameters',
  compartments: [{ id: 'cell', size: 1, unit: 'pL' }],
  parameters: [
    p('k_act', 0.01, '1/s'), p('k_deact', 0.05, '1/s'), p('K_couple', 50, 'nM'),
    p('kcat', 0.5, '1/s'), p('Km', 100, 'nM'), p('V_dephos', 2, 'nM/s'), p('Km_dephos', 100, 'nM'),
    p('V_tx', 0.02, 'nM/s'), p('K_tx', 50, 'nM'), p('n_tx', 2, '1'), p('k_mdeg', 1e-3, '1/s'),
    p('k_tl', 2e-3, '1/s'), p('k_pdeg', 5e-4, '1/s'),
  ],
});

const includes = ['parameters.json'];
for (let m = 0; m < moduleCount; ++m) {
  const s = (name) => `${name}_${String(m).padStart(3, '0')}`;
  const prev = m > 0 ? `P_${String(m - 1).padStart(3, '0')}` : null;
  const receptor = 40 + ((m * 37) % 80);  // heterogeneous modules
  const species = [
    [s('R'), receptor], [s('R_a'), 0], [s('K1'), 100], [s('K1_P'), 0], [s('K2'), 150], [s('K2_P'), 0], [s('K2_PP'), 0],
    [s('K3'), 200], [s('K3_P'), 0], [s('K3_PP'), 0], [s('G'), 1], [s('P'), 4],
  ].map(([id, initial]) => ({ id, compartment: 'cell', initial, unit: 'nM' }));
  const phos = (id, from, to, kinase) => ({ id, reactants: [from], products: [to], modifiers: [{ species: kinase, role: 'enzyme' }],
    rate: { type: 'michaelis_menten', kcat: 'kcat', Km: 'Km' } });
  const dephos = (id, from, to) => ({ id, reactants: [from], products: [to], rate: { type: 'michaelis_menten', Vmax: 'V_dephos', Km: 'Km_dephos' } });
  const reactions = [
    prev
      ? { id: s('act'), reactants: [s('R')], products: [s('R_a')], modifiers: [{ species: prev, role: 'activator' }],
        rate: { type: 'expression', expression: `k_act * ${s('R')} * (1 + ${prev} / K_couple)` } }
      : { id: s('act'), reactants: [s('R')], products: [s('R_a')], rate: { type: 'mass_action', kf: 'k_act' } },
    { id: s('deact'), reactants: [s('R_a')], products: [s('R')], rate: { type: 'mass_action', kf: 'k_deact' } },
    phos(s('p1'), s('K1'), s('K1_P'), s('R_a')), dephos(s('d1'), s('K1_P'), s('K1')),
    phos(s('p2a'), s('K2'), s('K2_P'), s('K1_P')), phos(s('p2b'), s('K2_P'), s('K2_PP'), s('K1_P')),
    dephos(s('d2a'), s('K2_PP'), s('K2_P')), dephos(s('d2b'), s('K2_P'), s('K2')),
    phos(s('p3a'), s('K3'), s('K3_P'), s('K2_PP')), phos(s('p3b'), s('K3_P'), s('K3_PP'), s('K2_PP')),
    dephos(s('d3a'), s('K3_PP'), s('K3_P')), dephos(s('d3b'), s('K3_P'), s('K3')),
    { id: s('tx'), products: [s('G')], modifiers: [{ species: s('K3_PP'), role: 'activator' }],
      rate: { type: 'hill_activation', V: 'V_tx', K: 'K_tx', n: 'n_tx', activator: s('K3_PP') } },
    { id: s('mdeg'), reactants: [s('G')], rate: { type: 'mass_action', kf: 'k_mdeg' } },
    { id: s('tl'), products: [s('P')], modifiers: [{ species: s('G'), role: 'enzyme' }],
      rate: { type: 'expression', expression: `k_tl * ${s('G')}` } },
    { id: s('pdeg'), reactants: [s('P')], rate: { type: 'mass_action', kf: 'k_pdeg' } },
  ];
  const name = `cascade_${String(m).padStart(3, '0')}.json`;
  write(name, { name: `cascade_${m}`, module: `cascade_${String(m).padStart(3, '0')}`, include: ['parameters.json'], species, reactions });
  includes.push(name);
}

const last = `P_${String(moduleCount - 1).padStart(3, '0')}`;
write('model.json', {
  name: `large_synthetic_${moduleCount * 12}`,
  description: `${moduleCount} coupled receptor-kinase-gene modules, ${moduleCount * 12} species`,
  module: 'readouts',
  include: includes,
  observables: [
    { id: 'first_protein', name: 'protein of the first module (nM)', expression: 'P_000' },
    { id: 'last_protein', name: 'protein of the last module (nM)', expression: last },
  ],
});

write('drug.json', {
  name: 'large_drug',
  description: 'i.v. compound with brain uptake that scales receptor activation in every module',
  compartments: [{ id: 'plasma', size: 1, unit: 'L' }, { id: 'brain', size: 1, unit: 'L' }],
  species: [
    { id: 'drug_plasma', compartment: 'plasma', initial: 0, unit: 'nM' },
    { id: 'drug_brain', compartment: 'brain', initial: 0, unit: 'nM' },
  ],
  parameters: [
    p('drug_mw', 300, 'g/mol'), p('drug_vd', 1, 'L/kg'), p('drug_kel', 2e-4, '1/s'), p('drug_kin', 5e-4, '1/s'),
    p('drug_kout', 5e-4, '1/s'), p('drug_emax', 3, '1'), p('drug_ec50', 200, 'nM'),
  ],
  reactions: [
    { id: 'drug_elimination', reactants: ['drug_plasma'], rate: { type: 'mass_action', kf: 'drug_kel' } },
    { id: 'drug_uptake', reactants: ['drug_plasma'], products: ['drug_brain'], rate: { type: 'mass_action', kf: 'drug_kin', kr: 'drug_kout' } },
  ],
  compound: {
    id: 'large_drug', name: 'synthetic activator', molar_mass: 'drug_mw',
    routes: { iv: { species: 'drug_plasma', volume: 'drug_vd' } },
    effects: [{ id: 'drug_on_receptors', target: 'k_act', type: 'scale', driver: 'drug_brain', Emax: 'drug_emax', EC50: 'drug_ec50' }],
  },
});

const region = (name, description, overrides) => write(`${name}.json`, { region: name, description, overrides });
region('hippocampus', 'synthetic: receptor activation as written',
  [{ parameter: 'k_act', value: 0.01, unit: '1/s', source }]);
region('cortex', 'synthetic: slower receptor activation, weaker drug action',
  [{ parameter: 'k_act', value: 0.004, unit: '1/s', source }, { parameter: 'drug_ec50', value: 800, unit: 'nM', source }]);

write('scenario.json', {
  name: `large_synthetic_${moduleCount * 12}_species`,
  description: 'vehicle and one i.v. dose in two regions on a synthetic network of 1000+ species (report load-time test)',
  model: 'model.json',
  compounds: ['drug.json'],
  regions: { hippocampus: 'hippocampus.json', cortex: 'cortex.json' },
  schedules: { acute: { doses: 1 } },
  run: { region: 'hippocampus', compound: 'large_drug', dose: '10 mg/kg', route: 'iv', schedule: 'acute' },
  observe: '6h',
  outputs: { observables: ['first_protein', 'last_protein'], every: '10min' },
  axes: [{ axis: 'region', values: ['hippocampus', 'cortex'] }, { axis: 'compound', values: ['vehicle', 'large_drug'] }],
});
console.log(`wrote ${out}/scenario.json: ${moduleCount} modules, ${moduleCount * 12 + 2} species`);
