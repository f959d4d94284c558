import { benchDecision } from './decision.js';

benchDecision();
