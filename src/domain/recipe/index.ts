export * from './model.js';
export { validateRecipe, unparsedCheck, type ValidateRecipeInput } from './validate.js';
export {
  bindParams,
  parseParamArg,
  parseParamArgs,
  valueProblem,
  type ParamBinding,
} from './params.js';
export {
  scanTemplate,
  type TemplateIssue,
  type TemplateScan,
  type TemplatePosition,
  type TemplateVariable,
} from './template.js';
export { RecipeSchema, ParameterSchema, ExtensionSchema } from './schema.js';
export {
  RecipeInvalidError,
  RecipeFileError,
  formatProblems,
  formatProblem,
} from './recipe-error.js';
