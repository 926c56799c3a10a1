import { describe, expect, it } from "vitest";
import { campaignFromForm, targetFromForm } from "../../worker/console/campaign-form";
import { FormFields } from "../../worker/console/guard";

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);
const form = (fields: Record<string, string | string[]>) => new FormFields(fields);

describe("the console's compose form", () => {
  it("builds the API's campaign body: lists split on commas and whitespace, data from key=value lines", () => {
    const { input, errors } = campaignFromForm(
      form({
        title: " Sale ",
        body: "Now on",
        data: "screen=sale\n\ncampaign = spring",
        userIds: "u1, u2\nu3",
        platforms: ["ios", "android"],
        topics: "",
        appVersion: ">=3.0.0",
        locales: "de, fr-CH",
        when: "now",
      }),
      NOW,
    );
    expect(errors).toEqual({});
    expect(input).toEqual({
      title: "Sale",
      body: "Now on",
      data: { screen: "sale", campaign: "spring" },
      target: {
        userIds: ["u1", "u2", "u3"],
        platforms: ["ios", "android"],
        appVersion: ">=3.0.0",
        locales: ["de", "fr-CH"],
      },
    });
  });

  it("reads the send time as UTC and the local time as HH:MM", () => {
    expect(
      campaignFromForm(form({ title: "t", body: "b", when: "at", sendAt: "2026-11-30T13:30:05" }), NOW).input
        ?.sendAt,
    ).toBe(Date.UTC(2026, 10, 30, 13, 30, 5));
    expect(
      campaignFromForm(form({ title: "t", body: "b", when: "local", localTime: "09:30" }), NOW).input
        ?.localTime,
    ).toBe("09:30");
  });

  it("keys the schema's errors by the form field they belong to, and returns no input", () => {
    const { input, errors } = campaignFromForm(
      form({
        title: "t",
        body: "b",
        appVersion: "three",
        locales: "not a tag!",
        data: "novalue",
        when: "local",
        localTime: "25:00",
      }),
      NOW,
    );
    expect(input).toBeUndefined();
    expect(Object.keys(errors).sort()).toEqual(["appVersion", "data", "localTime", "locales"]);
    expect(errors.appVersion?.[0]).toContain("semver range");
  });

  it("refuses a send time that is missing or more than a year ahead", () => {
    expect(
      campaignFromForm(form({ title: "t", body: "b", when: "at", sendAt: "" }), NOW).errors.sendAt,
    ).toBeDefined();
    expect(
      campaignFromForm(form({ title: "t", body: "b", when: "at", sendAt: "2028-01-01T00:00" }), NOW).errors
        .sendAt,
    ).toEqual(["must be within a year"]);
  });

  it("an empty target is every device (as in the API)", () => {
    expect(targetFromForm(form({}))).toEqual({});
  });
});
