// Lets ts-jest run the @nestjs/swagger CLI plugin, so OpenAPI metadata in tests matches `nest build`.
const transformer = require('@nestjs/swagger/plugin');

module.exports.name = 'nestjs-swagger-transformer';
module.exports.version = 1;
module.exports.factory = (cs) =>
  transformer.before({ introspectComments: true, classValidatorShim: true }, cs.program);
