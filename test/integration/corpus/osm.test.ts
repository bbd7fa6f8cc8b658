import { CORPUS } from '../harness/corpus.js';
import { defineCorpusSuite } from './suite.js';

defineCorpusSuite(CORPUS.find((c) => c.file === 'osm.sql')!);
