import { buildSchema, type GraphQLObjectType } from "graphql";
import { describe, expect, it } from "vitest";
import { SDL } from "../../worker/graphql/sdl";
import { HOME_FIELD_SHAPE } from "../../worker/screens/home";

const schema = buildSchema(SDL);
const fieldsOf = (name: string) => Object.keys((schema.getType(name) as GraphQLObjectType).getFields());

describe("the GraphQL schema", () => {
  it("has the home screen's shape: every key GET /v1/screens/home answers, every collection field on HomeRecord", () => {
    expect(fieldsOf("Home")).toEqual(Object.keys(HOME_FIELD_SHAPE));
    expect(fieldsOf("User")).toEqual(HOME_FIELD_SHAPE.user.keys);
    expect(fieldsOf("HomeSpace")).toEqual(HOME_FIELD_SHAPE.spaces.keys);
    expect(fieldsOf("HomeConfig")).toEqual(HOME_FIELD_SHAPE.config.keys);
    // A field added to a collection must be added here too, or GraphQL apps never see it.
    expect(fieldsOf("HomeRecord").sort()).toEqual([...HOME_FIELD_SHAPE.recent.keys].sort());
  });
});
