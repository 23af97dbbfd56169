export {
  ALL_STAGES,
  STAGES,
  isStage,
  isUpward,
  stageRank,
  type LadderStage,
  type Stage,
} from "./ladder.js";
